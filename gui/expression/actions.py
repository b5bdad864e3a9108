"""The expression language in the window: the expression bar above the canvas (Ctrl+K),
Edit ▸ Copy as Expression and File ▸ New from Expression…. Typed statements become one
undo step that inserts the built nodes and wires (and makes the last assignment the
output); a refusal leaves the document untouched and is shown at the bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu, QSizePolicy, QToolBar

from engine.errors import StudioError
from engine.expression.builder import build_fragment
from engine.expression.parser import parse_program
from engine.expression.placing import place_beside
from engine.expression.program import ExpressionError
from engine.expression.writer import write_expression
from engine.layout import CARD_WIDTH
from gui.custom_ops.commands import SetCustomOpsCommand
from gui.editing.commands import CompoundCommand, InsertEdgeCommand, InsertNodeCommand, SetGraphAttrCommand
from gui.editing.editor import sentence
from gui.expression.bar import ExpressionBar
from gui.expression.dialog import NewFromExpressionDialog
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from engine.document import GraphDocument
    from gui.canvas.scene import GraphScene
    from gui.canvas.view import GraphView
    from gui.editing.actions import EditActions
    from gui.editing.editor import GraphEditor
    from gui.files.menu import FileMenu
    from gui.files.session import FileSession

SHOWN_TEXT = 48
"""How much of the typed text names the step in Edit ▸ Undo and the History panel."""


class ExpressionActions:
    """Its menu items go beside Edit ▸ Paste, Edit ▸ Use as Output and File ▸ Open."""

    def __init__(self, window: QMainWindow, document: GraphDocument, editor: GraphEditor, scene: GraphScene,
                 view: GraphView, files: FileSession, menu: Callable[[str], QMenu], edit_actions: EditActions,
                 file_menu: FileMenu, show_message: Callable[[str], object]) -> None:
        self.window = window
        self.document, self.editor, self.scene, self.view, self.files = document, editor, scene, view, files
        self.show_message = show_message
        self.bar = ExpressionBar(window)
        self.bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar.submitted.connect(self.build)
        self.bar.field.escaped.connect(view.setFocus)
        self.toolbar = QToolBar("Expression Bar", window)
        self.toolbar.setObjectName("expression_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.bar)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.type_expression = make_action(window, "type_expression", "&Type Expression…", self.focus, ["Ctrl+K"],
                                           "Type statements such as o = tanh(x1*w1 + b) into the expression bar")
        self.copy_expression = make_action(window, "copy_expression", "Copy as &Expression", self.copy,
                                           ["Ctrl+Alt+C"], "Copy the selection (or the whole graph) as text")
        self.new_from_expression = make_action(window, "new_from_expression", "New from E&xpression…",
                                               self.ask_new, ["Ctrl+Shift+N"], "Start a new graph from statements")
        window.addActions([self.type_expression, self.copy_expression, self.new_from_expression])
        edit = menu("&Edit")
        edit.insertAction(edit_actions.paste, self.copy_expression)
        edit.insertAction(edit_actions.set_output, self.type_expression)
        menu("&File").insertAction(file_menu.open, self.new_from_expression)
        menu("&View").addAction(self.toolbar.toggleViewAction())

    # ------------------------------------------------------------------ bar
    def focus(self) -> None:
        self.toolbar.show()
        self.bar.focus()

    def build(self, text: str) -> None:
        """Build the statements into the open document as one undo step."""
        if not text.strip():
            return
        document = self.document
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        try:
            built = build_fragment(parse_program(text, document.registry), document)
            built = place_beside(built, document, (centre.x(), centre.y()))
        except ExpressionError as error:
            self.bar.show_error(str(error), error.place)
            return
        except StudioError as error:
            self.bar.show_error(sentence(error), None)
            return
        shown = " ".join(text.split())
        shown = shown if len(shown) <= SHOWN_TEXT else shown[:SHOWN_TEXT - 1] + "…"
        command = CompoundCommand(f"Type {shown}")
        if built.definitions:  # def lines: custom operations (gui/custom_ops), defined first
            SetCustomOpsCommand(document, [*document.custom_ops(), *built.definitions], "Define", command)
        for node_id, attrs in built.nodes:
            InsertNodeCommand(document, node_id, attrs, command)
        for source, target, key, attrs in built.edges:
            InsertEdgeCommand(document, source, target, key, attrs, command)
        if built.output is not None and built.output != document.requested_output:
            SetGraphAttrCommand(document, "output", built.output, command)
        if not command.parts:
            self.bar.show_error("nothing new to build: every name is already on the canvas", None)
            return
        if not self.editor.push(command):
            return
        self.bar.accept(text)
        new = [node_id for node_id, _ in built.nodes]
        self.scene.select_nodes(new)
        if new:
            self._show(_bounds(built.nodes))
        count = len(new)
        self.show_message(f"Built {count} node{'s' * (count != 1)}; the output is "
                            f"{document.name_of(built.output) if built.output else 'unchanged'}.")

    def _show(self, bounds: QRectF) -> None:
        """Scroll to the new cards; zoom out to the whole graph if they do not fit."""
        view = self.view
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        if bounds.width() > visible.width() or bounds.height() > visible.height():
            view.fit_graph()
        else:
            view.ensureVisible(bounds, 40, 40)

    # ---------------------------------------------------------- clipboard
    def copy(self) -> None:
        chosen = self.scene.selected_node_ids()
        if not len(self.document):
            self.show_message("There is no graph to copy.")
            return
        try:
            text = write_expression(self.document, chosen or None)
        except StudioError as error:
            self.show_message(sentence(error))
            return
        QGuiApplication.clipboard().setText(text)
        what = "the selection" if chosen else "the graph"
        self.show_message(f"Copied {what} as an expression ({len(text.splitlines())} lines).")

    # ------------------------------------------------------------ new graph
    def ask_new(self) -> None:
        dialog = NewFromExpressionDialog(self.window)
        dialog.accepted.connect(lambda: self._open_built(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _open_built(self, dialog: NewFromExpressionDialog) -> None:
        document = dialog.document
        if document is not None and self.files.adopt_new(document, "starting a graph from an expression"):
            self.show_message(f"New graph from the expression “{document.name or 'untitled'}”.")


def _bounds(nodes: list[tuple[str, dict]]) -> QRectF:
    xs = [attrs["x"] for _, attrs in nodes]
    ys = [attrs["y"] for _, attrs in nodes]
    return QRectF(min(xs) - CARD_WIDTH / 2, min(ys) - 60, max(xs) - min(xs) + CARD_WIDTH, max(ys) - min(ys) + 120)
