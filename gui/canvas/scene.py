"""The scene mirrors the document: it subscribes to the document's events and
creates, moves and drops items; what cards and wires show comes from a Display
(the evaluation, or the animation's trace state). User gestures end in signals
(connect, disconnect, move) that the editor turns into undo commands."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
)

from engine.document import GraphDocument
from engine.plan import Edge
from engine.values import has_non_finite
from gui.canvas.card_overview import CardOverview
from gui.canvas.display import Display, LookValues, active_parts, draw_grid, hover_lines
from gui.canvas.edge_item import EdgeItem
from gui.canvas.heatmap import ArrayPicture
from gui.canvas.inline_edit import field_at
from gui.canvas.looks import EdgeLook, NodeLook
from gui.canvas.node_item import NodeItem
from gui.canvas.port_item import HIT_RADIUS, PortItem
from gui.canvas.tag_queue import TagQueue
from gui.canvas.wire_drag import WireDrag, WireIntent
from gui.canvas.wire_layer import WireLayer
from gui.canvas.wire_overview import WireOverview
from gui.observing import subscriptions_of

SCENE_MARGIN = 1500.0

__all__ = ["Display", "GraphScene"]


class GraphScene(QGraphicsScene):
    hoverText = Signal(str)
    message = Signal(str)
    connectRequested = Signal(object)
    """A WireIntent with something to connect or disconnect."""
    nodesMoved = Signal(object)
    """{node id: ((x0, y0), (x1, y1))} after a drag."""
    nodeActivated = Signal(str, str)
    """A card was double-clicked: (node id, "name" or "value"), the field under the mouse."""
    wireDropped = Signal(object, QPointF, QPoint)
    """A new wire let go on empty canvas: ((node id, port; -1 its output), scene position,
    global position), to offer the ops that can take it there."""
    contextMenuRequested = Signal(object, QPointF, QPoint)
    """(node id or None, scene position, global position) for a right-click."""

    def __init__(self, document: GraphDocument, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[Edge, EdgeItem] = {}
        self.display = Display()
        self._pictures: dict[int, tuple[object, ArrayPicture | None]] = {}
        self._presenting = False
        self.editable = True
        self._wire: WireDrag | None = None
        self._press_positions: dict[str, tuple[float, float]] = {}
        self._rebuilding = False
        self.overview = False
        """True when zoomed far out: wires drawn by one WireOverview item."""
        self.wire_overview = WireOverview(self)
        self.card_overview = CardOverview(self)
        """Far out, also the cards' pictures in one (see card_overview)."""
        self.wire_layer = WireLayer(self)
        """Plain wires' strokes, when not in the overview (see wire_layer)."""
        self.tag_queue = TagQueue(self)
        """Big scenes place wires' number tags after the first paint (see tag_queue)."""
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._subscriptions = subscriptions_of(self)
        for event, handler in [
            (document.node_added, self._on_node_added),
            (document.node_removed, self._on_node_removed),
            (document.node_moved, self._on_node_moved),
            (document.node_changed, self._on_node_changed),
            (document.node_renamed, self._on_node_renamed),
            (document.edge_added, self._on_edge_added),
            (document.edge_removed, self._on_edge_removed),
            (document.reset, self.rebuild),
        ]:
            self._subscriptions.subscribe(event, handler)
        self.rebuild()

    @property
    def presenting(self) -> bool:
        """True while rendering a picture: no grid, selection or hover effects."""
        return self._presenting

    @presenting.setter
    def presenting(self, presenting: bool) -> None:
        self._presenting = presenting
        # Far out, the overviews stand in for cards and wires; a picture draws the real ones.
        self.card_overview.suspend(presenting)
        if self.overview:
            self._show_wire_overview(not presenting)
        self.wire_layer.redraw_all()  # pictures stroke every wire themselves

    def detach(self) -> None:
        """Stop observing the document (the scene is going away; it also stops when destroyed)."""
        self._subscriptions.release()

    # ------------------------------------------------------ mirroring the document
    def cancel_wire(self) -> None:
        """Drop a wire drag under way: the graph it was checked against has changed
        (an undo or a Delete key while the mouse still holds the wire)."""
        if self._wire is not None:
            wire, self._wire = self._wire, None
            wire.cancel()

    def rebuild(self) -> None:
        self.cancel_wire()
        self.tag_queue.clear()  # clear() below deletes the wires it holds
        self.card_overview.set_active(False)  # its cards are about to go
        for keeper in (self.wire_overview, self.card_overview, self.wire_layer):
            if keeper.scene() is self:
                self.removeItem(keeper)  # kept across clear(), which deletes items
        self.wire_layer.invalidate()
        self.clear()
        self.addItem(self.wire_overview)
        self.addItem(self.card_overview)
        self.addItem(self.wire_layer)
        self.wire_layer.update()
        self.node_items.clear()
        self.edge_items.clear()
        self._rebuilding = True
        try:
            for node_id in self.document.node_ids():
                self._on_node_added(node_id)
            for edge in self.document.edges():
                self._on_edge_added(edge)
        finally:
            self._rebuilding = False
        self.fit_scene_rect()
        self.card_overview.set_active(self.overview)

    def settle(self) -> None:
        """Every wire's tags in their final place now (pictures and tests ask for this)."""
        self.tag_queue.settle()

    def fit_scene_rect(self) -> None:
        """A fixed scene rect (Qt need not recompute bounds as items move), with room around."""
        bounds = QRectF(-400, -300, 800, 600)
        for item in self.node_items.values():
            bounds = bounds.united(item.sceneBoundingRect())
        self.setSceneRect(bounds.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN))
        self.wire_overview.scene_rect_changed()
        self.card_overview.scene_rect_changed()
        self.wire_layer.scene_rect_changed()

    def set_overview(self, overview: bool) -> None:
        """Swap thousands of wire items for one overview drawing, or back."""
        if overview == self.overview:
            return
        self.overview = overview
        self._show_wire_overview(overview)
        self.card_overview.set_active(overview)

    def _show_wire_overview(self, overview: bool) -> None:
        if overview:
            self.wire_layer.setVisible(False)  # first: hiding wires then asks nothing of it
        for item in self.edge_items.values():
            item.setVisible(not overview)
        self.wire_overview.invalidate()
        self.wire_overview.setVisible(overview)
        self.wire_layer.setVisible(not overview)

    def _grow_scene_rect(self, item: QGraphicsItem) -> None:
        if self._rebuilding:
            return  # one fit at the end; asking sceneRect() per item costs O(n) each
        rect = item.sceneBoundingRect()
        if not self.sceneRect().contains(rect):
            self.setSceneRect(self.sceneRect().united(rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN,
                                                                    SCENE_MARGIN, SCENE_MARGIN)))
            self.wire_overview.scene_rect_changed()
            self.card_overview.scene_rect_changed()
            self.wire_layer.scene_rect_changed()

    def _on_node_added(self, node_id: str) -> None:
        self.cancel_wire()
        document = self.document
        item = NodeItem(node_id, document.op_of(node_id), document.name_of(node_id))
        item.set_trainable(document.is_trainable(node_id))
        item.setPos(*document.position(node_id))
        self.addItem(item)
        self.node_items[node_id] = item
        self._grow_scene_rect(item)

    def _on_node_removed(self, node_id: str) -> None:
        self.cancel_wire()
        item = self.node_items.pop(node_id)
        self.card_overview.card_removed(item)
        self.removeItem(item)

    def _on_node_moved(self, node_id: str) -> None:
        item = self.node_items[node_id]
        x, y = self.document.position(node_id)
        if item.pos() != QPointF(x, y):
            item.setPos(x, y)
        self._grow_scene_rect(item)

    def _on_node_changed(self, node_id: str) -> None:
        self.node_items[node_id].set_name(self.document.name_of(node_id))
        self.node_items[node_id].set_trainable(self.document.is_trainable(node_id))

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        """Re-key the card and its wires in place: the same items stay (selected,
        hovered, under the mouse), only the ids they carry change."""
        self.cancel_wire()
        item = self.node_items.pop(old_id)
        item.node_id = new_id
        self.node_items[new_id] = item
        for edge_item in item.edges:
            old_edge = edge_item.edge
            source, target, key = old_edge
            edge_item.edge = (new_id if source == old_id else source, new_id if target == old_id else target, key)
            self.edge_items[edge_item.edge] = self.edge_items.pop(old_edge)
        item.set_name(self.document.name_of(new_id))

    def _on_edge_added(self, edge: Edge) -> None:
        self.cancel_wire()
        source, target = self.node_items[edge[0]], self.node_items[edge[1]]
        port = self.document.port_of(edge)
        item = EdgeItem(edge, source, target, port)
        item.setVisible(not self.overview)
        self.addItem(item)
        self.edge_items[edge] = item
        self.wire_layer.invalidate()
        self.wire_layer.update(item.boundingRect())
        source.edges.add(item)
        target.edges.add(item)
        source.output.set_connected(True)
        target.inputs[port].set_connected(True)

    def _on_edge_removed(self, edge: Edge) -> None:
        self.cancel_wire()
        item = self.edge_items.pop(edge)
        item.source.edges.discard(item)
        item.target.edges.discard(item)
        item.target.inputs[item.port].set_connected(False)
        item.source.output.set_connected(any(e.source is item.source for e in item.source.edges))
        self.tag_queue.discard(item)
        self.wire_layer.invalidate()  # before removeItem: the layer drops its list of wires
        self.wire_layer.update(item.boundingRect())
        self.removeItem(item)
        self.wire_overview.invalidate()

    # ----------------------------------------------------------- what is shown
    def set_display(self, display: Display) -> None:
        self.display = display
        state = display.state
        active = active_parts(state.step)
        looks = LookValues(self._pictures)
        text, picture = looks.text, looks.picture
        # Forward mode: tangents take the gradients' place on cards and wires, in their own colour.
        tangents = bool(state.node_tangents)
        show_grads = display.show_grads or tangents
        node_values, notes = state.node_values.get, state.node_notes.get
        node_grads = (state.node_tangents if tangents else state.node_grads).get
        problems, output = display.problems.get, display.output
        for node_id, item in self.node_items.items():
            value = node_values(node_id)
            grad = node_grads(node_id) if show_grads else None
            problem = problems(node_id)
            item.set_look(NodeLook(
                text(value),
                text(grad),
                notes(node_id, "") if show_grads else "",
                problem.kind if problem else "",
                problem.message if problem else "",
                node_id == output,
                active.phase if node_id == active.node else None,
                value is not None and has_non_finite(value),
                picture(value),
                picture(grad),
                tangents,
            ))
        edge_values = state.edge_values.get
        struck_edges = state.struck_edges  # bug mode: gradients a later arrival overwrote
        edge_grads = (state.edge_tangents if tangents else state.edge_grads).get
        # The wire with the step label goes last: it places its label clear of the
        # other wires' number tags, which must be in their new places by then.
        ordered = [*(e for e in self.edge_items.items() if e[0] not in active.edges),
                   *(e for e in self.edge_items.items() if e[0] in active.edges)]
        with self.tag_queue.deferred(len(ordered)):
            for edge, item in ordered:
                lit = edge in active.edges
                value = edge_values(edge)
                grad = edge_grads(edge) if show_grads else None
                item.set_look(EdgeLook(
                    text(value),
                    text(grad),
                    active.label if lit and show_grads else "",
                    active.phase if lit else None,
                    picture(value),
                    picture(grad),
                    tangents,
                    edge in struck_edges,
                ))
        self._pictures = looks.pictures

    def tooltip_for(self, item: QGraphicsItem) -> str:
        """Full numbers for a hovered card or wire (arrays in whole)."""
        display, state = self.display, self.display.state
        if isinstance(item, NodeItem):
            lines = [item.op.tooltip(), *hover_lines(display, item.node_id, state.node_values, state.node_grads,
                                                     state.node_tangents, "gradient")]
            if item.look.problem:
                lines.append(item.look.problem)
            return "\n".join(lines)
        if isinstance(item, EdgeItem):
            return "\n".join([item.target.op.derivative_text(item.port),
                              *hover_lines(display, item.edge, state.edge_values, state.edge_grads,
                                           state.edge_tangents, "gradient back")])
        return ""

    def report_hover(self, text: str) -> None:
        self.hoverText.emit(text)

    # ------------------------------------------------------------ selection
    def selected_node_ids(self) -> list[str]:
        return [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]

    def selected_edges(self) -> list[Edge]:
        return [item.edge for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def select_nodes(self, node_ids: list[str]) -> None:
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.node_items:
                self.node_items[node_id].setSelected(True)

    def select_all(self) -> None:
        for item in self.node_items.values():
            item.setSelected(True)

    # -------------------------------------------------------------- gestures
    def port_at(self, position: QPointF) -> PortItem | None:
        """The port nearest to a point, within a port's hit radius."""
        area = QRectF(position.x() - HIT_RADIUS, position.y() - HIT_RADIUS, 2 * HIT_RADIUS, 2 * HIT_RADIUS)
        ports = [item for item in self.items(area) if isinstance(item, PortItem) and item.isVisible()]
        if not ports:
            return None
        return min(ports, key=lambda p: (p.scenePos() - position).manhattanLength())

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.editable:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._wire = WireDrag(self, port)
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_positions = {item.node_id: (item.x(), item.y())
                                     for item in self.selectedItems() if isinstance(item, NodeItem)}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self._wire.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None and event.button() == Qt.MouseButton.LeftButton:
            wire, self._wire = self._wire, None
            intent: WireIntent = wire.finish(event.scenePos())
            if intent.message:
                self.message.emit(intent.message)
            elif intent.loose is not None:
                self.wireDropped.emit(intent.loose, event.scenePos(), event.screenPos())
            elif intent.connect is not None or intent.disconnect is not None:
                self.connectRequested.emit(intent)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press_positions:
            moves = {}
            for node_id, start in self._press_positions.items():
                item = self.node_items.get(node_id)
                if item is not None and (item.x(), item.y()) != start:
                    moves[node_id] = (start, (item.x(), item.y()))
            self._press_positions = {}
            if moves:
                self.nodesMoved.emit(moves)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self._node_at(event.scenePos())
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            self.nodeActivated.emit(item.node_id, field_at(item, item.mapFromScene(event.scenePos())))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        item = self._node_at(event.scenePos())
        if item is not None and not item.isSelected():
            self.clearSelection()
            item.setSelected(True)
        self.contextMenuRequested.emit(item.node_id if item else None, event.scenePos(), event.screenPos())
        event.accept()

    def _node_at(self, position: QPointF) -> NodeItem | None:
        for item in self.items(position):
            if isinstance(item, NodeItem):
                return item
            if isinstance(item, PortItem):
                return item.node
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._wire is not None:
            self.cancel_wire()
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        if not self.presenting:
            draw_grid(painter, rect)
