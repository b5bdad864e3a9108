"""What a card or a wire shows right now: small immutable records the scene hands to
items, so an item repaints only when what it shows really changed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeLook:
    value: str = ""
    grad: str = ""
    note: str = ""
    problem_kind: str = ""
    problem: str = ""
    output: bool = False
    highlight: str = ""
    """"" (none), "forward" or "backward": the card the current step is about."""
    value_is_bad: bool = False
    """nan or inf: numpy's domain problems are shown, not raised."""


@dataclass(frozen=True)
class EdgeLook:
    value: str = ""
    grad: str = ""
    label: str = ""
    """The chain-rule step being shown on this wire, if any."""
    highlight: str = ""


NO_NODE_LOOK = NodeLook()
NO_EDGE_LOOK = EdgeLook()
