"""Start the editor: `python main.py [GRAPH.json]`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.examples import SEED_EXAMPLE
from engine.fileformat import read_file

if TYPE_CHECKING:
    from gui.main_window import MainWindow


def load_document(path: str | None) -> tuple[GraphDocument, str | None]:
    """The document to open with, and an error message if `path` could not be opened."""
    if path is not None:
        try:
            return GraphDocument.from_spec(read_file(path)), None
        except StudioError as error:
            message = str(error)
    else:
        message = None
    try:
        return GraphDocument.from_spec(read_file(SEED_EXAMPLE)), message
    except StudioError:
        return GraphDocument(), message


def start_window(argv: list[str]) -> MainWindow:
    """The main window as the app starts it: FILE (or the seed example) open, the
    last window layout back, and an offer to restore what a crash left unsaved."""
    from gui.command_line import file_arguments
    from gui.files.dialogs import warn
    from gui.main_window import MainWindow
    from gui.window.state import restore_window_state

    paths = file_arguments(argv)  # not Qt's options, nor their values (`-style fusion`)
    document, error = load_document(paths[0] if paths else None)
    window = MainWindow(document)
    window.files.adopt_opened_file(paths[0] if paths and error is None else SEED_EXAMPLE)
    restore_window_state(window, window.narrow_docks)
    window.show()
    window.view.fit_graph()
    if error:
        warn(window, error, f"Showing the example {document.name} instead." if document.name else "")
    window.files.offer_recovery()
    return window


def run_app(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    _window = start_window(argv)  # alive until the app quits
    return app.exec()
