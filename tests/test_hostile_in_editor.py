"""Hostile files opened in the editor (issue 8): refused with a sentence and nothing
changed, or opened with the oversized node marked; the window keeps painting."""

from __future__ import annotations

from pathlib import Path

import pytest
from canvas_helpers import snapshot
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from test_engine_hostile_files import HOSTILE, REFUSED_ON_LOAD, column_and_vector, outer_product

from engine.document import GraphDocument
from engine.fileformat import read_file
from gui.main_window import MainWindow


def paint(window) -> QImage:
    image = QImage(400, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, 400, 300), window.scene.sceneRect())
    painter.end()
    window.view.viewport().repaint()
    return image


@pytest.mark.parametrize("name", REFUSED_ON_LOAD)
def test_opening_a_refused_file_leaves_the_open_graph_as_it_was(qtbot, window, tmp_path: Path, name: str,
                                                                 monkeypatch):
    text, words = HOSTILE[name]
    path = tmp_path / "graph.json"
    path.write_text(text)
    before = snapshot(window.document)
    shown: list[str] = []
    monkeypatch.setattr(window.files.questions, "show_error", lambda text, detail="": shown.append(text))
    assert not window.files.open_path(str(path))
    assert snapshot(window.document) == before
    assert len(shown) == 1 and shown[0].count("\n") == 0
    assert all(word in shown[0] for word in words)
    paint(window)


@pytest.mark.parametrize(("text", "node", "shape"), [(outer_product(20_000), "m", "20000×20000"),
                                                     (column_and_vector(30_000, "add"), "s", "30000×30000")])
def test_an_oversized_node_is_marked_and_the_status_bar_says_why(qtbot, tmp_path: Path, text, node, shape):
    path = tmp_path / "big.json"
    path.write_text(text)
    window = MainWindow(GraphDocument.from_spec(read_file(path)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.presenter.refresh()
    look = window.scene.node_items[node].look
    assert look.problem_kind and shape in look.problem and not look.value
    assert shape in window.output_status.text() and window.output_status.text().startswith("⚠ ")
    paint(window)
