"""Editing notes: Edit ▸ Add Note (N), and what the note items ask for (move, resize,
new text) as undo commands on the document's `graph.notes`; copy, paste, cut and
delete of selected notes (the Edit menu's own actions hand them over when notes,
and no cards, are selected)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QMenu, QWidget

from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.notes import DEFAULT_HEIGHT, DEFAULT_WIDTH, KEY, Note, notes_to_json, parse_notes
from gui.editing.commands import DocumentCommand
from gui.lens.notes import NoteLayer
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.editing.editor import GraphEditor

MIME_TYPE = "application/x-backprop-studio-notes+json"
PASTE_OFFSET = 30.0
NEW_TEXT = "**Note**: double-click to write *Markdown* here."


class NotesCommand(DocumentCommand):
    """`graph.notes` from one list to another (the whole list: notes are few)."""

    def __init__(self, document: GraphDocument, text: str, notes: list[Note]) -> None:
        super().__init__(text)
        self.document = document
        self.old = copy.deepcopy(document.graph_attr(KEY))
        self.new = notes_to_json(notes)

    def redo(self) -> None:
        self.document.set_graph_attr(KEY, copy.deepcopy(self.new))

    def undo(self) -> None:
        self.document.set_graph_attr(KEY, copy.deepcopy(self.old))


class NoteActions:
    """Add Note in the Edit menu; note changes, copy, paste and delete as undo steps."""

    def __init__(self, window: QWidget, editor: GraphEditor, scene: QGraphicsScene, view: QGraphicsView,
                 menu: Callable[[str], QMenu], show_message: Callable[[str], object]) -> None:
        self.editor = editor
        self.document: GraphDocument = editor.document
        self.view = view
        self.show_message = show_message
        self.layer = NoteLayer(self.document, scene, window)
        self.layer.noteChanged.connect(self._changed)
        self.add_note = make_action(window, "add_note", "Add &Note", self.add, "N",
                                    "A text box beside the graph, in Markdown (bold, italics, code, lists)")
        window.addAction(self.add_note)
        menu("&Edit").addAction(self.add_note)

    def detach(self) -> None:
        self.layer.detach()

    def _push(self, text: str, notes: list[Note]) -> bool:
        return self.editor.push(NotesCommand(self.document, text, notes))

    def add(self) -> int:
        """A new note where the mouse is (or mid-view), open for typing; its index."""
        centre = self.view.cursor_scene_position()
        notes = self.layer.notes()
        notes.append(Note(NEW_TEXT, centre.x() - DEFAULT_WIDTH / 2, centre.y() - DEFAULT_HEIGHT / 2))
        self._push("Add note", notes)
        index = len(notes) - 1
        item = self.layer.items[index]
        self.view.scene().clearSelection()
        item.setSelected(True)
        item.start_edit()
        return index

    def _changed(self, index: int, note: Note) -> None:
        notes = self.layer.notes()
        old = notes[index]
        verb = "Edit note" if note.text != old.text else "Resize note" if note.width != old.width or \
            note.height != old.height else "Move note"
        notes[index] = note
        self._push(verb, notes)

    # ---------------------------------------------------------- clipboard
    def copy_selected(self) -> bool:
        chosen = self.layer.selected()
        if not chosen:
            return False
        notes = self.layer.notes()
        text = json.dumps([notes[i].to_json() for i in chosen], indent=1)
        mime = QMimeData()
        mime.setData(MIME_TYPE, text.encode())
        mime.setText("\n\n".join(notes[i].text for i in chosen))
        QGuiApplication.clipboard().setMimeData(mime)
        self.show_message(f"Copied {len(chosen)} note{'s' * (len(chosen) != 1)}.")
        return True

    def paste(self) -> bool:
        """Paste notes from the clipboard (False when it holds none), a little offset."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(MIME_TYPE):
            return False
        try:
            pasted = parse_notes(json.loads(bytes(mime.data(MIME_TYPE).data()).decode()))
        except (ValueError, FileFormatError):
            self.show_message("The clipboard's notes cannot be read.")
            return True
        notes = self.layer.notes()
        first = len(notes)
        notes += [note.moved_to(note.x + PASTE_OFFSET, note.y + PASTE_OFFSET) for note in pasted]
        self._push("Paste note" if len(pasted) == 1 else "Paste notes", notes)
        self.view.scene().clearSelection()
        for item in self.layer.items[first:]:
            item.setSelected(True)
        return True

    def delete_selected(self) -> bool:
        chosen = set(self.layer.selected())
        if not chosen:
            return False
        notes = [note for i, note in enumerate(self.layer.notes()) if i not in chosen]
        return self._push("Delete note" if len(chosen) == 1 else "Delete notes", notes)
