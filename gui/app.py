"""Start the editor: `python main.py [GRAPH.json]`."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.examples import SEED_EXAMPLE
from engine.fileformat import read_file


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


def run_app(argv: list[str]) -> int:
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    paths = [arg for arg in argv if not arg.startswith("-")]
    document, error = load_document(paths[0] if paths else None)
    window = MainWindow(document)
    window.show()
    window.view.fit_graph()
    if error:
        QMessageBox.warning(window, "Backprop Studio", error)
    return app.exec()
