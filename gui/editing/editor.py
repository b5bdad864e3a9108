"""The editing verbs of the app (add, connect, delete, move, copy, paste, arrange...).
Each checks its input, builds an undo command and pushes it; problems become a
one-sentence message and leave the document as it was."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.fragment import MIME_TYPE, bounding_centre, fragment_text, parse_fragment, place_fragment
from engine.plan import Edge
from engine.values import parse_value_text
from gui.canvas.wire_drag import WireIntent
from gui.editing import commands

DUPLICATE_OFFSET = (40.0, 40.0)


def sentence(error: Exception) -> str:
    text = str(error).strip()
    if not text:
        return "That did not work."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _same_value(old: object, new: np.float64 | np.ndarray) -> bool:
    """Equal in shape and in every number, -0.0 and 0.0 told apart (they print differently)."""
    if old is None or np.shape(old) != np.shape(new):
        return False
    return bool(np.array_equal(old, new) and np.array_equal(np.signbit(old), np.signbit(new)))


class GraphEditor(QObject):
    message = Signal(str)
    """A one-sentence status message: what went wrong, or what just happened."""

    def __init__(self, document: GraphDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = QUndoStack(self)
        self._pushing = False
        self.last_message = ""
        self.message.connect(self._remember)

    def _remember(self, text: str) -> None:
        self.last_message = text

    def push(self, command: QUndoCommand) -> bool:
        """Push (which runs redo). Commands are built only from checked input: an
        exception inside redo would not cross Qt's C++ frame, so nothing may fail there."""
        if self._pushing:
            return False  # an observer reacting to an edit must not start another
        self._pushing = True
        try:
            self.undo_stack.push(command)
        finally:
            self._pushing = False
        return True

    # ----------------------------------------------------------------- nodes
    def add_node(self, op: str, x: float, y: float, *, name: str | None = None, value_text: str | None = None,
                 anchor: tuple[str, int] | None = None) -> str | None:
        """Add a node (named, with a typed value, wired to `anchor` = (node id, port or
        -1 for its output) when given) as one undo step; returns its id, or None and a
        message when something typed was refused."""
        try:
            value = parse_value_text(value_text) if value_text is not None else None
            if anchor is None:
                command = commands.add_node_command(self.document, op, x, y, name=name, value=value)
                node_id = command.node_id
            else:
                command = commands.add_wired_node_command(self.document, op, x, y, anchor, name=name, value=value)
                node_id = command.parts[0].node_id  # type: ignore[attr-defined]
        except StudioError as error:
            self.message.emit(sentence(error))
            return None
        self.push(command)
        return node_id

    def delete(self, node_ids: list[str], edges: list[Edge]) -> None:
        if node_ids or edges:
            self.push(commands.remove_items_command(self.document, node_ids, edges))

    def move_nodes(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> None:
        if moves:
            self.push(commands.MoveNodesCommand(self.document, moves))

    def set_value_text(self, node_id: str, text: str) -> bool:
        """Set an input's value from what was typed; a bad entry changes nothing."""
        try:
            value = parse_value_text(text)
        except StudioError as error:
            self.message.emit(f"{self.document.name_of(node_id)} keeps its value: {sentence(error)}")
            return False
        self.message.emit("")  # a good entry: an earlier complaint no longer applies
        if _same_value(self.document.value_of(node_id), value):
            return True  # Enter on the value it already has: nothing to undo
        return self.push(commands.SetValueCommand(self.document, node_id, value))

    def rename(self, node_id: str, name: str) -> str | None:
        """Rename a node (its id follows when the name is free), as one undo step.
        Returns the node's id afterwards, or None when the name was refused."""
        name = name.strip()
        if name == self.document.name_of(node_id):
            return node_id  # unchanged: no history entry
        try:
            command = commands.RenameCommand(self.document, node_id, name)
        except StudioError as error:
            self.message.emit(f"{self.document.name_of(node_id)} keeps its name: {sentence(error)}")
            return None
        self.push(command)
        return command.new_id

    set_label = rename

    def set_output(self, node_id: str | None) -> None:
        if node_id != self.document.graph_attr("output"):
            self.push(commands.SetGraphAttrCommand(self.document, "output", node_id))

    # ----------------------------------------------------------------- wires
    def connect(self, source: str, target: str, port: int) -> bool:
        try:
            command = commands.connect_command(self.document, source, target, port)
        except StudioError as error:
            self.message.emit(sentence(error))
            return False
        return self.push(command)

    def apply_wire(self, intent: WireIntent) -> None:
        """The end of a wire drag: connect, move a wire's end, or detach it."""
        if intent.connect is None:
            if intent.disconnect is not None:
                self.push(commands.remove_items_command(self.document, [], [intent.disconnect]))
            return
        source, target, port = intent.connect
        try:
            if intent.disconnect is None:
                command = commands.connect_command(self.document, source, target, port)
            else:
                # Moving a wire's end: drop the old wire, then connect. Removing a wire
                # out of `source` cannot make the new wire legal or illegal.
                command = commands.CompoundCommand(f"Move wire to {self.document.name_of(target)}")
                commands.RemoveEdgeCommand(self.document, intent.disconnect, command)
                commands.connect_command(self.document, source, target, port, parent=command)
        except StudioError as error:
            self.message.emit(sentence(error))
            return
        self.push(command)

    # ------------------------------------------------------- copy and paste
    def copy(self, node_ids: list[str]) -> bool:
        if not node_ids:
            self.message.emit("Select nodes to copy first.")
            return False
        text = fragment_text(self.document, node_ids)
        mime = QMimeData()
        mime.setData(MIME_TYPE, text.encode())
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self.message.emit(f"Copied {len(node_ids)} node{'s' * (len(node_ids) != 1)}.")
        return True

    def paste(self, at: tuple[float, float] | None = None) -> list[str]:
        """Paste the clipboard's graph, centred at `at` (or offset from where it was)."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return []
        text = bytes(mime.data(MIME_TYPE).data()).decode() if mime.hasFormat(MIME_TYPE) else mime.text()
        try:
            spec = parse_fragment(text, self.document.registry)
        except StudioError as error:
            self.message.emit(f"The clipboard does not hold a graph: {sentence(error)}")
            return []
        return self._insert(spec, at, "Paste")

    def duplicate(self, node_ids: list[str]) -> list[str]:
        if not node_ids:
            self.message.emit("Select nodes to duplicate first.")
            return []
        spec = parse_fragment(fragment_text(self.document, node_ids), self.document.registry)
        return self._insert(spec, None, "Duplicate")

    def _insert(self, spec, at: tuple[float, float] | None, verb: str) -> list[str]:
        if not spec.nodes:
            return []
        if at is None:
            offset = DUPLICATE_OFFSET
        else:
            cx, cy = bounding_centre(spec)
            offset = (at[0] - cx, at[1] - cy)
        nodes, edges = place_fragment(self.document, spec, offset)
        command = commands.insert_fragment_command(self.document, nodes, edges, verb)
        if not self._define_pasted_ops(command, spec):
            return []
        if self.push(command):
            return [node_id for node_id, _ in nodes]
        return []

    def _define_pasted_ops(self, command: commands.CompoundCommand, spec) -> bool:
        """Custom ops the fragment brought and this document lacks are defined first, in
        the same undo step (gui.custom_ops); False, with a message, if refused."""
        from gui.custom_ops.commands import pasted_ops_command
        try:
            define = pasted_ops_command(self.document, spec.registry)
        except StudioError as error:
            self.message.emit(f"The pasted operations cannot be added: {sentence(error)}")
            return False
        if define is not None:
            command.parts.insert(0, define)
        return True

    # ---------------------------------------------------------------- layout
    def arrange(self) -> None:
        """Lay the graph out left to right in layers (port order kept, as few crossings as
        it can), as one undo step."""
        document = self.document
        if not len(document):
            return
        positions = document.laid_out()
        # Keep the graph roughly where it was on the canvas.
        old = {node_id: document.position(node_id) for node_id in positions}
        shift_x = sum(x for x, _ in old.values()) / len(old) - sum(x for x, _ in positions.values()) / len(old)
        shift_y = sum(y for _, y in old.values()) / len(old) - sum(y for _, y in positions.values()) / len(old)
        moves = {node_id: (old[node_id], (x + shift_x, y + shift_y)) for node_id, (x, y) in positions.items()
                 if old[node_id] != (x + shift_x, y + shift_y)}
        if moves:
            self.push(commands.MoveNodesCommand(document, moves, "Arrange"))
