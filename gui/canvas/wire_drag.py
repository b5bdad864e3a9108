"""The wire-drag gesture: from an output port to an input port, from an input port
back to an output, or picking up the end of an existing wire. Valid ports light up
while dragging; the gesture ends in an intent for the editor (it edits nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem

from engine.errors import EditRefused
from engine.plan import Edge
from gui import theme
from gui.canvas.edge_item import wire_path
from gui.canvas.node_item import HEADER, WIDTH, card_height
from gui.canvas.port_item import PortItem

if TYPE_CHECKING:
    from gui.canvas.scene import GraphScene


@dataclass(frozen=True)
class WireIntent:
    """What the gesture asks for: connect, disconnect, or nothing but a message."""

    connect: tuple[str, str, int] | None = None
    disconnect: Edge | None = None
    message: str = ""
    loose: tuple[str, int] | None = None
    """Dropped on empty canvas: (node id, port; -1 its output) to wire a new node to."""


def new_node_centre(arity: int, drop: QPointF, takes_wire: bool) -> QPointF:
    """Where a card of an op with `arity` inputs goes so that the wire dropped at `drop`
    meets its first input (`takes_wire`) or its output, as if dropped on that port."""
    height = card_height(arity)
    body_top = -height / 2 + HEADER
    if takes_wire:
        port = QPointF(-WIDTH / 2, body_top + (height - HEADER) / max(1, arity) * 0.5)
    else:
        port = QPointF(WIDTH / 2, body_top + (height - HEADER) / 2)
    return drop - port


class WireDrag:
    def __init__(self, scene: GraphScene, port: PortItem) -> None:
        self.scene = scene
        document = scene.document
        self.detached: Edge | None = None
        if not port.is_output:
            occupant = document.edge_into(port.node.node_id, port.index)
            if occupant is not None:
                # Grabbing a wired input picks up that wire's end.
                self.detached = occupant
                scene.edge_items[occupant].setVisible(False)
                port = scene.node_items[occupant[0]].output
        self.anchor = port
        self.wants_input = port.is_output
        node_id = port.node.node_id
        if self.wants_input:
            excluded = document.ancestors(node_id) | {node_id}
            self.valid = [p for nid, item in scene.node_items.items() if nid not in excluded for p in item.inputs]
            # Ports that would close a cycle (or wire a node to itself) look refused.
            self.refused = [p for nid in excluded for p in scene.node_items[nid].inputs]
        else:
            excluded = document.descendants(node_id) | {node_id}
            self.valid = [item.output for nid, item in scene.node_items.items() if nid not in excluded]
            self.refused = [scene.node_items[nid].output for nid in excluded]
        for valid_port in self.valid:
            valid_port.set_drop_state("valid")
        for refused_port in self.refused:
            refused_port.set_drop_state("refused")
        self._valid_set = set(self.valid)
        self.live = QGraphicsPathItem()
        self.live.setPen(QPen(theme.WIRE_LIVE, 2.2, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap))
        self.live.setZValue(10)
        scene.addItem(self.live)
        self._target: PortItem | None = None
        self.move(port.scenePos())

    def move(self, position: QPointF) -> None:
        port = self.scene.port_at(position)
        target = port if port in self._valid_set else None
        if target is not self._target:
            if self._target is not None:
                self._target.set_drop_state("valid")
            if target is not None:
                target.set_drop_state("target")
            self._target = target
        end = target.scenePos() if target is not None else position
        start = self.anchor.scenePos()
        self.live.setPath(wire_path(start, end) if self.wants_input else wire_path(end, start))

    def finish(self, position: QPointF) -> WireIntent:
        port = self.scene.port_at(position)
        self._clear()
        if port is None:
            if self.detached is not None:
                return WireIntent(disconnect=self.detached)
            return WireIntent(loose=(self.anchor.node.node_id, self.anchor.index))
        if port in self._valid_set:
            if self.wants_input:
                wanted = (self.anchor.node.node_id, port.node.node_id, port.index)
            else:
                wanted = (port.node.node_id, self.anchor.node.node_id, self.anchor.index)
            if self.detached is not None and (self.detached[0], self.detached[1]) == wanted[:2] \
                    and self.scene.document.port_of(self.detached) == wanted[2]:
                return WireIntent()
            return WireIntent(connect=wanted, disconnect=self.detached)
        return WireIntent(message=self._refusal(port))

    def _refusal(self, port: PortItem) -> str:
        if port.is_output == self.anchor.is_output:
            return "Wires go from an output port (right side) to an input port (left side)."
        if self.wants_input:
            source, target, index = self.anchor.node.node_id, port.node.node_id, port.index
        else:
            source, target, index = port.node.node_id, self.anchor.node.node_id, self.anchor.index
        try:
            self.scene.document.check_connection(source, target, index)
        except EditRefused as refusal:
            text = str(refusal)
            return text[0].upper() + text[1:] + "."
        return "That port cannot take this wire."

    def cancel(self) -> None:
        self._clear()

    def _clear(self) -> None:
        for valid_port in (*self.valid, *self.refused):
            valid_port.set_drop_state("")
        if self.detached is not None and self.detached in self.scene.edge_items:
            self.scene.edge_items[self.detached].setVisible(not self.scene.overview)
        self.scene.removeItem(self.live)
