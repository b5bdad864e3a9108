"""Hovering a card or a wire: it highlights, the status bar says what it is, and the
tooltip gets the full numbers (computed only now, not for every item on every edit)."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent


class HoverReporting:
    """Mixin for QGraphicsItem subclasses that define `describe()`."""

    _hovered = False

    def hoverEnterEvent(self: QGraphicsItem, event: QGraphicsSceneHoverEvent) -> None:  # type: ignore[misc]
        self._hovered = True
        self.update()
        scene = self.scene()
        if scene is not None and hasattr(scene, "report_hover"):
            scene.report_hover(self.describe())
            self.setToolTip(scene.tooltip_for(self))

    def hoverLeaveEvent(self: QGraphicsItem, event: QGraphicsSceneHoverEvent) -> None:  # type: ignore[misc]
        self._hovered = False
        self.update()
