"""The trace panel: the Wengert list, a row per step in the phase's colour, the
current step highlighted and in view; choosing a row jumps the animation there."""

from __future__ import annotations

import pytest
from animation_helpers import assert_canvas_shows, key, open_window, prepare, vector_document
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.document import GraphDocument
from engine.values import format_value
from gui import theme


@pytest.fixture
def seed(qtbot, window):
    return prepare(qtbot, window)


def rows(window) -> list[str]:
    model = window.animation.trace_dock.model
    return [model.index(row).data() for row in range(model.rowCount())]


def row_colour(window, row: int) -> str:
    model = window.animation.trace_dock.model
    return model.index(row).data(Qt.ItemDataRole.ForegroundRole).color().name()


def highlighted_rows(window) -> list[int]:
    model = window.animation.trace_dock.model
    return [row for row in range(model.rowCount())
            if model.index(row).data(Qt.ItemDataRole.BackgroundRole) is not None]


def click_row(window, row: int) -> None:
    trace_list = window.animation.trace_dock.list
    rect = trace_list.visualRect(window.animation.trace_dock.model.index(row))
    QTest.mouseClick(trace_list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def test_one_row_per_step_in_wengert_form_coloured_by_phase(qtbot, seed):
    trace = seed.animation.controller.trace
    assert rows(seed) == [step.text() for step in trace.steps]
    assert rows(seed)[:5] == ["v1 = a = 2.2", "v2 = b = -1.8", "v3 = c = 0.1", "v4 = v2 + v3 = -1.7",
                              "v5 = v1 × v4 = -3.74"]
    assert rows(seed)[6] == "v̄1 = v̄5 · v4 = -1.7"
    for row, step in enumerate(trace.steps):
        expected = theme.VALUE if step.phase == "forward" else theme.GRADIENT
        assert row_colour(seed, row) == expected.name(), step.text()
    assert {row_colour(seed, r) for r in range(len(trace))} == {theme.VALUE.name(), theme.GRADIENT.name()}


def test_the_current_step_is_highlighted(qtbot, seed):
    controller = seed.animation.controller
    trace_list = seed.animation.trace_dock.list
    assert highlighted_rows(seed) == [], "editing: no step is current"
    key(seed, Qt.Key.Key_Home)
    assert highlighted_rows(seed) == []
    for applied in range(1, len(controller.trace) + 1):
        key(seed, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda: not controller.tokens, timeout=3000)
        assert highlighted_rows(seed) == [applied - 1]
        assert trace_list.currentIndex().row() == applied - 1
    key(seed, Qt.Key.Key_Left)
    assert highlighted_rows(seed) == [len(controller.trace) - 2]
    controller.stop()
    assert highlighted_rows(seed) == []


def test_clicking_a_row_jumps_there(qtbot, seed):
    controller = seed.animation.controller
    trace = controller.trace
    for row in (7, 2, 9, 0, 5):
        click_row(seed, row)
        assert controller.position == row + 1
        assert highlighted_rows(seed) == [row]
        assert_canvas_shows(seed, trace.state_at(row + 1))
        assert seed.animation.transport.position.text() == trace.position_text(row + 1)


def test_keys_in_the_list_move_the_animation_too(qtbot, seed):
    controller = seed.animation.controller
    click_row(seed, 3)
    trace_list = seed.animation.trace_dock.list
    trace_list.setFocus()
    QTest.keyClick(trace_list, Qt.Key.Key_Down)
    assert controller.position == 5
    QTest.keyClick(trace_list, Qt.Key.Key_Up)
    assert controller.position == 4
    QTest.keyClick(trace_list, Qt.Key.Key_End)
    assert controller.position == len(controller.trace)


def test_the_current_row_is_scrolled_into_view(qtbot):
    document = GraphDocument()
    document.add_node("input", 0, 0, node_id="x", value=0.5)
    previous = "x"
    for i in range(40):
        node = document.add_node("tanh", 220 * (i + 1), 0, node_id=f"t{i}")
        document.add_edge(previous, node, 0)
        previous = node
    window = open_window(qtbot, document)
    controller = window.animation.controller
    trace_list = window.animation.trace_dock.list
    window.animation.trace_dock.raise_()
    total = len(controller.trace)
    assert total == 41 + 1 + 40
    for applied in (total, 1, 60):
        controller.jump(applied)
        rect = trace_list.visualRect(window.animation.trace_dock.model.index(applied - 1))
        assert trace_list.viewport().rect().contains(rect.center()), applied


def test_arrays_show_shape_and_preview_and_the_tooltip_has_everything(qtbot):
    window = open_window(qtbot, vector_document())
    model = window.animation.trace_dock.model
    assert rows(window)[:2] == ["v1 = x = [3] 1, 2, 3", "v2 = v1 × v1 = [3] 1, 4, 9"]
    assert rows(window)[2] == "v̄2 = ones  (seed: ∂y/∂y)"
    tip = model.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert "y = x × x" in tip
    assert "shape 3" in tip and "9" in tip
    backward_tip = model.index(3).data(Qt.ItemDataRole.ToolTipRole)
    assert backward_tip.startswith("∂y/∂x")
    assert "contribution: shape 3" in backward_tip


def test_after_an_edit_the_rows_show_the_new_numbers(qtbot, seed):
    seed.animation.controller.jump(4)
    assert seed.editor.set_value_text("a", "3")
    qtbot.waitUntil(lambda: rows(seed)[0] == "v1 = a = 3", timeout=2000)
    assert rows(seed)[4] == f"v5 = v1 × v4 = {format_value(3 * -1.7)}"
    assert highlighted_rows(seed) == [], "back to editing"
