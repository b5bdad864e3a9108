"""Helpers for the animation tests: small graphs, the looks on the canvas, and what
the trace says they should be."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine.document import GraphDocument
from engine.fileformat import read_file
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, TraceState
from engine.values import format_value

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
FAST = 0.02
"""Time scale for tests: a whole step plays in a few milliseconds."""


def open_window(qtbot, document: GraphDocument):
    """A main window on `document`, shown offscreen and ready for keys."""
    from gui.main_window import MainWindow

    window = MainWindow(document)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.view.fit_graph()
    window.presenter.refresh()
    return prepare(qtbot, window)


def prepare(qtbot, window):
    """Fast steps, and the canvas focused in the active window (shortcuts need both)."""
    window.animation.controller.time_scale = FAST
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.view.setFocus()
    # The trace is built once edits settle (a moment after the window opens).
    qtbot.waitUntil(lambda: window.animation.controller.trace_if_ready() is not None, timeout=2000)
    return window


def example_document(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES / name))


def fan_out_document() -> GraphDocument:
    """f = x*x + x with x = 3: x feeds three wires, so its gradient 7 = 1 + 3 + 3.
    Built here, not read from the example, so the numbers the tests expect stay put."""
    document = GraphDocument()
    document.add_node("input", -400, 0, node_id="x", value=3.0)
    document.add_node("mul", -140, -70, node_id="m")
    document.add_node("add", 120, 10, node_id="f")
    document.add_edge("x", "m", 0)
    document.add_edge("x", "m", 1)
    document.add_edge("m", "f", 0)
    document.add_edge("x", "f", 1)
    return document


def vector_document() -> GraphDocument:
    """y = x * x for x = [1, 2, 3]: an array output, seeded with ones."""
    document = GraphDocument()
    document.add_node("input", -300, 0, node_id="x", value=[1.0, 2.0, 3.0])
    document.add_node("mul", 0, 0, node_id="y")
    document.add_edge("x", "y", 0)
    document.add_edge("x", "y", 1)
    return document


def looks(window) -> tuple[dict, dict]:
    scene = window.scene
    return ({node_id: item.look for node_id, item in scene.node_items.items()},
            {edge: item.look for edge, item in scene.edge_items.items()})


def text(value) -> str:
    return "" if value is None else format_value(value)


def assert_canvas_shows(window, state: TraceState) -> None:
    """Every card and wire shows exactly the trace's numbers in `state`."""
    scene = window.scene
    step = state.step
    for node_id, item in scene.node_items.items():
        look = item.look
        assert look.value == text(state.node_values.get(node_id)), node_id
        assert look.grad == text(state.node_grads.get(node_id)), node_id
        assert look.note == state.node_notes.get(node_id, ""), node_id
    for edge, item in scene.edge_items.items():
        look = item.look
        assert look.value == text(state.edge_values.get(edge)), edge
        assert look.grad == text(state.edge_grads.get(edge)), edge
        # Only the wire of the step just taken carries its chain-rule label.
        current = isinstance(step, BackwardStep) and step.edge == edge
        assert look.label == (step.label() if current else ""), edge
    highlighted = {node_id for node_id, item in scene.node_items.items() if item.look.highlight}
    if isinstance(step, ForwardStep):
        assert highlighted == {step.node}
        assert {e for e, item in scene.edge_items.items() if item.look.highlight == "forward"} == set(step.in_edges)
    elif isinstance(step, (SeedStep, AccumulateStep)):
        assert highlighted == {step.node}
    elif isinstance(step, BackwardStep):
        assert highlighted == {step.source}
        assert {e for e, item in scene.edge_items.items() if item.look.highlight == "backward"} == {step.edge}
    else:
        assert highlighted == set()


def key(window, key_code) -> None:
    """A key pressed on the canvas, as a person would."""
    window.view.setFocus()
    QTest.keyClick(window.view, key_code)


def space(window) -> None:
    key(window, Qt.Key.Key_Space)
