"""The palette and quick add show the ops of the window's document, and follow it
when another document is opened (File ▸ New, Open, Revert all adopt a new one)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from test_engine_registry import with_double

from engine.document import GraphDocument
from engine.ops import OPS


def test_the_panels_show_the_documents_registry_and_follow_it(window):
    assert window.palette.registry is window.document.registry is window.quick_add.registry
    before = window.document.registry
    window.findChild(QAction, "new").trigger()  # File ▸ New: a new document, with a registry of its own
    assert window.document.registry is not before
    assert window.palette.registry is window.document.registry is window.quick_add.registry

    opened = GraphDocument(with_double(OPS.copy()))
    opened.add_node("input", node_id="x", value=2.0)
    window.document.replace_with(opened)  # what opening a file does to the window's document
    assert window.palette.registry is opened.registry is window.quick_add.registry
    window.palette.filter.setText("twice")
    assert window.palette.visible_ops() == ["double"]
    window.palette.filter.returnPressed.emit()
    assert "double" in [window.document.attrs(n)["op"] for n in window.document.node_ids()]

    window.quick_add.open_at(window.mapToGlobal(QPoint(200, 200)))
    window.quick_add.search.setText("double")
    assert window.quick_add.visible_ops() == ["double"]
    window.quick_add.hide()

