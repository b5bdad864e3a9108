"""What a card or a wire shows right now: small immutable records the scene hands to
items, so an item repaints only when what it shows really changed. Named tuples,
because thousands are built per evaluation and compared at C speed."""

from __future__ import annotations

from typing import NamedTuple


class NodeLook(NamedTuple):
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


class EdgeLook(NamedTuple):
    value: str = ""
    grad: str = ""
    label: str = ""
    """The chain-rule step being shown on this wire, if any."""
    highlight: str = ""


NO_NODE_LOOK = NodeLook()
NO_EDGE_LOOK = EdgeLook()
