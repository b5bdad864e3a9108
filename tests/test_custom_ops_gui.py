"""Custom operations in the window, driven as a person does: Operation ▸ New Operation…
typed into and accepted, Edit and Delete from the palette's menu, undo, copy and paste
into another window, `def` typed into the expression bar; checked on the document."""

from __future__ import annotations

import numpy as np
import pytest
from file_helpers import trigger
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file
from gui.custom_ops.dialog import OperationDialog

EXAMPLE = EXAMPLES_DIR / "softplus_and_swish.json"


@pytest.fixture
def example_window(qtbot):
    from gui.main_window import MainWindow

    window = MainWindow(GraphDocument.from_spec(read_file(EXAMPLE)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def fill_and_accept(qtbot, name: str | None = None, ports: str | None = None, formula: str | None = None):
    """What the person types into the dialog, then OK."""
    def run(dialog: OperationDialog) -> bool:
        for field, text in ((dialog.name, name), (dialog.ports, ports), (dialog.formula, formula)):
            if text is not None:
                field.selectAll()
                qtbot.keyClicks(field, text)
        qtbot.waitUntil(lambda: dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), timeout=3000)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return dialog.result() == OperationDialog.DialogCode.Accepted
    return run


def same_graph(a: dict, b: dict) -> bool:
    def key(data: dict) -> tuple:
        return (data["graph"], sorted(map(str, data["nodes"])), sorted(map(str, data["edges"])))
    return key(a) == key(b)


def palette_custom_ops(window) -> list[str]:
    return [header.child(i).data(0, Qt.ItemDataRole.UserRole + 1) for header in window.palette._groups
            if header.text(0) == "Custom" for i in range(header.childCount())]


def test_new_operation_defines_it_as_one_undo_step(qtbot, window) -> None:
    document, stack = window.document, window.editor.undo_stack
    window.custom_ops.open_dialog = fill_and_accept(qtbot, "swish", "x", "x * sigmoid(x)")
    trigger(window, "new_operation")
    assert [d.name for d in document.custom_ops()] == ["swish"]
    assert document.graph_attr("ops") == {"swish": {"ports": ["x"], "formula": "x * sigmoid(x)"}}
    assert palette_custom_ops(window) == ["swish"]
    window.quick_add._filter("swi")
    assert window.quick_add.visible_ops() == ["swish"]
    stack.undo()
    assert document.custom_ops() == [] and "ops" not in document.to_data()["graph"]
    assert palette_custom_ops(window) == []
    stack.redo()
    assert palette_custom_ops(window) == ["swish"]


def test_the_dialog_refuses_as_you_type_and_shows_the_derivative_and_its_check(qtbot, window) -> None:
    dialog = OperationDialog(window.document, None, window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()  # the suggested softplus
    assert dialog.derivatives.text() == "∂softplus(x)/∂x = exp(x)/(1 + exp(x))"
    assert dialog.checks.text().count("✓ agrees") == 4 and "DIFFERS" not in dialog.checks.text()
    dialog.name.setText("exp")
    assert not ok.isEnabled()
    qtbot.waitUntil(lambda: "built-in" in dialog.status.text(), timeout=3000)
    assert dialog.derivatives.text() == ""
    dialog.name.setText("bump")
    dialog.ports.setText("a, b")
    dialog.formula.setText("exp(-a*a) * b")
    qtbot.waitUntil(ok.isEnabled, timeout=3000)
    assert dialog.derivatives.text().splitlines() == ["∂bump(a, b)/∂a = −2·a·b·exp(−a²)", "∂bump(a, b)/∂b = exp(−a²)"]
    dialog.formula.setText("sum(a)")
    qtbot.waitUntil(lambda: "not elementwise" in dialog.status.text(), timeout=3000)


def test_editing_a_formula_re_evaluates_its_nodes_and_undoes(qtbot, example_window) -> None:
    window, document = example_window, example_window.document
    before = float(document.evaluation().value("s"))
    window.custom_ops.open_dialog = fill_and_accept(qtbot, formula="2*x")
    window.custom_ops.edit("softplus")
    assert float(document.evaluation().value("s")) == 2 * document.value_of("x")
    assert document.op_of("s").ports[0].derivative == "2"
    window.editor.undo_stack.undo()
    assert float(document.evaluation().value("s")) == before


def test_deleting_an_op_in_use_asks_first_and_takes_its_nodes_in_one_step(qtbot, example_window) -> None:
    window, document = example_window, example_window.document
    before = document.to_data()
    asked: list[str] = []
    window.custom_ops.confirm = lambda text: asked.append(text) or False
    window.custom_ops.delete("swish")
    assert asked == ["1 node uses swish: w. Delete swish and it?"] and document.to_data() == before
    window.custom_ops.confirm = lambda text: True
    window.custom_ops.delete("swish")
    assert "w" not in document and [d.name for d in document.custom_ops()] == ["softplus"]
    assert palette_custom_ops(window) == ["softplus"]
    window.editor.undo_stack.undo()
    assert same_graph(document.to_data(), before)  # undo of a delete puts the node back last
    assert len(window.scene.node_items) == len(document)


def test_copy_and_paste_into_another_document_carries_the_definitions(qtbot, example_window) -> None:
    from gui.main_window import MainWindow

    example_window.editor.copy(["x", "s"])
    other = MainWindow(GraphDocument())
    qtbot.addWidget(other)
    pasted = other.editor.paste((0.0, 0.0))
    assert len(pasted) == 2 and [d.name for d in other.document.custom_ops()] == ["softplus"]
    assert other.document.evaluation().value(pasted[1]) == pytest.approx(np.log1p(np.exp(-0.5)), rel=1e-12)
    other.editor.undo_stack.undo()
    assert len(other.document) == 0 and other.document.custom_ops() == []


def test_a_def_typed_into_the_expression_bar_defines_the_op_in_the_same_step(qtbot, window) -> None:
    document, stack = window.document, window.editor.undo_stack
    steps = stack.count()
    window.expressions.build("def cube(x): return x**3\nq = cube(a)")
    assert stack.count() == steps + 1 and document.op_of("q").name == "cube"
    assert float(document.evaluation().grad("a")) == pytest.approx(3 * 2.2 ** 2, rel=1e-12)
    stack.undo()
    assert "q" not in document and document.custom_ops() == []


def test_edit_and_delete_are_on_the_op_s_menus(example_window) -> None:
    window = example_window
    card = [a.text() for a in window.context_menus.build("s", window.view.mapToScene(0, 0)).actions()]
    assert "Edit Operation softplus…" in card
    plain = [a.text() for a in window.context_menus.build("y", window.view.mapToScene(0, 0)).actions()]
    assert not any("Operation" in text for text in plain)
    assert [a.text() for a in window.custom_ops.menu_for("swish").actions()] == ["Edit swish…", "Delete swish"]


def test_export_draws_the_custom_ops_backward(tmp_path, qapp) -> None:
    from PySide6.QtGui import QImage

    from gui.export.subcommand import export_main

    pictures = []
    for stage in ("forward", "backward"):
        out = tmp_path / f"{stage}.png"
        assert export_main([str(EXAMPLE), str(out), "--stage", stage]) == 0
        image = QImage(str(out))
        assert image.width() > 200 and image.height() > 100
        pictures.append(bytes(image.constBits()))
    assert pictures[0] != pictures[1]  # backward adds the gradients


def test_copy_as_expression_typed_back_into_the_same_document_reuses_its_ops(qtbot, example_window) -> None:
    from engine.expression.writer import write_expression

    window, document = example_window, example_window.document
    text = write_expression(document, ["s"])
    assert text.startswith("def softplus(x): return log(1 + exp(x))\n")
    window.expressions.build(text.replace("s = softplus(x)", "s2 = softplus(x)"))
    assert document.op_of("s2").name == "softplus" and len(document.custom_ops()) == 2
    window.expressions.build("def softplus(x): return 2*x\nq = softplus(x)")  # another formula: refused
    assert "q" not in document and "already an operation" in window.findChild(QLabel, "expression_error").text()


def test_an_op_in_use_keeps_its_name_in_the_edit_dialog(qtbot, example_window) -> None:
    document = example_window.document
    dialog = OperationDialog(document, document.custom_ops()[0], example_window)
    qtbot.addWidget(dialog)
    dialog.name.setText("softplus2")
    dialog.validate()
    assert dialog.status.text() == "Nodes use softplus, so its name stays; define a new operation for another name."
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
