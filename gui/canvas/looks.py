"""What a card or a wire shows right now: small immutable records the scene hands to
items, so an item repaints only when what it shows really changed. Named tuples,
because thousands are built per evaluation and compared at C speed."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from engine.steps import Phase
    from gui.canvas.heatmap import ArrayPicture


class NodeLook(NamedTuple):
    value: str = ""
    grad: str = ""
    note: str = ""
    problem_kind: str = ""
    problem: str = ""
    output: bool = False
    highlight: Phase | None = None
    """The phase of the current step when this card is what it is about."""
    value_is_bad: bool = False
    """nan or inf: numpy's domain problems are shown, not raised."""
    value_picture: ArrayPicture | None = None
    """An array value drawn as a heatmap (None: `value` is drawn as text)."""
    grad_picture: ArrayPicture | None = None
    tangent: bool = False
    """Forward mode: `grad` and `grad_picture` hold the node's tangent, drawn in the tangent colour."""


class EdgeLook(NamedTuple):
    value: str = ""
    grad: str = ""
    label: str = ""
    """The chain-rule step being shown on this wire, if any."""
    highlight: Phase | None = None
    """The phase of the current step when it passes along this wire."""
    value_picture: ArrayPicture | None = None
    grad_picture: ArrayPicture | None = None
    tangent: bool = False
    """Forward mode: `grad` holds the tangent the wire carries."""
    struck: bool = False
    """Bug mode: a later arrival overwrote this gradient; it is drawn struck out."""


NO_NODE_LOOK = NodeLook()
NO_EDGE_LOOK = EdgeLook()
