"""The expression bar, Copy as Expression and New from Expression, driven as a person
does: keys into the bar, Enter, Up/Down, menu actions; checked on the document."""

from __future__ import annotations

import pytest
from file_helpers import trigger
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.expression.writer import write_expression
from engine.fileformat import read_file
from gui.expression.dialog import NewFromExpressionDialog

NEURON = "x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = 6.8813735870195432; o = tanh(x1*w1 + x2*w2 + b)"


def field(window) -> QLineEdit:
    return window.findChild(QLineEdit, "expression_field")


def error_label(window) -> QLabel:
    return window.findChild(QLabel, "expression_error")


def type_into_bar(qtbot, window, text: str) -> None:
    trigger(window, "type_expression")  # Ctrl+K
    assert field(window).hasFocus()
    qtbot.keyClicks(field(window), text)
    qtbot.keyClick(field(window), Qt.Key.Key_Return)


def shipped(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name))


def test_ctrl_k_focuses_the_bar(qtbot, window) -> None:
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert field(window).hasFocus()


def test_typing_the_neuron_builds_it_as_one_undo_step(qtbot, window) -> None:
    document, stack = window.document, window.editor.undo_stack
    before, steps = document.to_data(), stack.count()
    type_into_bar(qtbot, window, NEURON)
    assert stack.count() == steps + 1
    evaluation = document.evaluation()
    assert evaluation.output == "o" and evaluation.value("o") == shipped("tanh_neuron.json").evaluation().value("o")
    new = set(document.node_ids()) - {node["id"] for node in before["nodes"]}
    assert set(window.scene.selected_node_ids()) == new and len(new) == 10
    assert document.name_of("b_2") == "b_2" and document.value_of("b_2") == 6.8813735870195432  # b was taken
    assert field(window).text() == "" and not error_label(window).isVisible()
    # Beside the graph already there, not over it.
    assert min(document.position(n)[1] for n in ("x1", "w1", "x2", "w2")) > max(
        document.position(n)[1] for n in "abcd") or min(document.position(n)[0] for n in ("x1", "o")) > max(
        document.position(n)[0] for n in "abcd")
    stack.undo()
    assert document.to_data() == before


def test_the_typed_neuron_plays(qtbot, window) -> None:
    trigger(window, "new")
    type_into_bar(qtbot, window, NEURON)
    controller = window.animation.controller
    window.presenter.refresh()  # the evaluation after an edit waits for the event loop
    trigger(window, "to_end")
    assert controller.position == len(controller.trace) > 0
    assert controller.trace.position_text(controller.position).startswith("backward")


def test_a_line_that_uses_a_name_on_the_canvas_extends_the_graph(qtbot, window) -> None:
    type_into_bar(qtbot, window, "L = d * d")
    document = window.document
    assert sorted(document.port_of(e) for e in document.in_edges("L") if e[0] == "d") == [0, 1]
    assert document.requested_output == "L"
    assert document.evaluation().grad("a") == pytest.approx(2 * -3.74 * -1.7)
    assert document.position("L")[0] > document.position("d")[0]


def test_a_refusal_marks_the_place_and_leaves_the_document_untouched(qtbot, window) -> None:
    document, stack = window.document, window.editor.undo_stack
    before, steps = document.to_data(), stack.count()
    type_into_bar(qtbot, window, "o = tanh(x.w)")
    assert document.to_data() == before and stack.count() == steps
    assert error_label(window).isVisible()
    assert error_label(window).text() == "line 1, column 10: attribute access (x.y) is not allowed"
    assert field(window).selectedText() == "x.w" and field(window).text() == "o = tanh(x.w)"
    qtbot.keyClick(field(window), Qt.Key.Key_End)
    qtbot.keyClick(field(window), Qt.Key.Key_Backspace)  # editing clears the message
    assert not error_label(window).isVisible()


def test_up_and_down_walk_the_history(qtbot, window) -> None:
    type_into_bar(qtbot, window, "p = a + 1")
    type_into_bar(qtbot, window, "q = p * 2")
    qtbot.keyClicks(field(window), "draft")
    qtbot.keyClick(field(window), Qt.Key.Key_Up)
    assert field(window).text() == "q = p * 2"
    qtbot.keyClick(field(window), Qt.Key.Key_Up)
    assert field(window).text() == "p = a + 1"
    qtbot.keyClick(field(window), Qt.Key.Key_Down)
    qtbot.keyClick(field(window), Qt.Key.Key_Down)
    assert field(window).text() == "draft"


def test_the_founding_example_typed_in_a_new_graph_matches_the_shipped_file(qtbot, window) -> None:
    trigger(window, "new")
    type_into_bar(qtbot, window, "a = 2.2; b = -1.8; c = 0.1; d = a * (b + c)")
    ours, theirs = window.document.evaluation(), shipped("d_equals_a_times_b_plus_c.json").evaluation()
    assert ours.value("d") == theirs.value("d") == pytest.approx(-3.74)
    assert [ours.grad(n) for n in "abc"] == [theirs.grad(n) for n in "abc"]


def test_copy_as_expression_copies_the_selection_or_the_graph(qtbot, window) -> None:
    trigger(window, "copy_expression")
    assert QGuiApplication.clipboard().text() == write_expression(window.document)
    window.scene.select_nodes(["d"])
    trigger(window, "copy_expression")
    assert QGuiApplication.clipboard().text() == "d = a * s\n"


def test_new_from_expression_opens_the_built_graph(qtbot, window) -> None:
    trigger(window, "new_from_expression")
    dialog = window.findChild(NewFromExpressionDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.editor.setPlainText("x = 1\ny = x.real")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "line 2, column 5: attribute access" in dialog.error.text()
    assert dialog.editor.textCursor().selectedText() == "x.real"
    assert "d" in window.document  # untouched
    dialog.editor.setPlainText(NEURON.replace("; ", "\n"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert window.document.name == "o = tanh(x1*w1 + x2*w2 + b)" and "d" not in window.document
    assert window.files.path is None and window.editor.undo_stack.count() == 0
