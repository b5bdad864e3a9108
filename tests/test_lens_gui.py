"""The teaching lens in the window: gradient check badges and bug mode, driven from
the Lens menu's actions as a person would."""

from __future__ import annotations

import json

import numpy as np
import pytest
from animation_helpers import example_document, open_window
from PySide6.QtWidgets import QToolBar

from engine.examples import EXAMPLES_DIR as EXAMPLES_DIR_PATH
from engine.lens.gradcheck import FAIL, OK
from engine.steps import struck
from engine.trace import BackwardStep
from engine.values import format_value


@pytest.fixture
def neuron(qtbot):
    return open_window(qtbot, example_document("tanh_neuron.json"))


@pytest.fixture
def squares(qtbot):
    return open_window(qtbot, example_document("y_equals_x_times_x_plus_x.json"))


def test_the_check_badges_every_input_of_the_neuron_green(qtbot, neuron) -> None:
    lens = neuron.lens
    assert lens.check_action in lens.menu.actions()
    assert lens.check_action in neuron.findChild(QToolBar, "lens_toolbar").actions()
    lens.check_action.trigger()
    inputs = ["x1", "w1", "x2", "w2", "b"]
    for node_id in inputs:
        badge = lens.badges.badge(node_id)
        assert badge is not None and badge.status == OK
        assert badge.parentItem() is neuron.scene.node_items[node_id]
        assert "relative error" in badge.toolTip()
    assert lens.badges.badge("n") is None  # computed nodes get no badge
    # An edit re-runs the check: the tooltip follows w1's new gradient (x1 · (1 − o²)).
    before = lens.badges.badge("w1").toolTip()
    neuron.editor.set_value_text("x1", "1.5")
    qtbot.waitUntil(lambda: lens.badges.badge("w1").toolTip() != before, timeout=2000)
    assert lens.badges.badge("w1").status == OK
    lens.check_action.trigger()
    assert all(lens.badges.badge(node_id) is None for node_id in inputs)


def test_bug_mode_turns_x_red_and_says_why_then_restores(qtbot, squares) -> None:
    lens, scene = squares.lens, squares.scene
    assert scene.node_items["x"].look.grad == "7"
    lens.bug_action.trigger()
    assert lens.badges.badge("x").status == FAIL
    assert scene.node_items["x"].look.grad == "3"  # 1, then 3, then 3: the last one kept
    assert lens.bug_status.isVisible()
    assert "x got 3, finite differences say 7" in lens.bug_status.text()
    lens.bug_action.trigger()
    assert scene.node_items["x"].look.grad == "7"
    assert lens.badges.badge("x") is None  # the check was off before bug mode switched it on
    assert not lens.bug_status.isVisible()
    lens.check_action.trigger()
    lens.bug_action.trigger()
    lens.bug_action.trigger()
    assert lens.check_action.isChecked() and lens.badges.badge("x").status == OK


def test_bug_mode_strikes_out_the_earlier_arrival_while_playing(qtbot, squares) -> None:
    squares.lens.bug_action.trigger()
    controller = squares.animation.controller
    qtbot.waitUntil(lambda: controller.trace_if_ready() is not None, timeout=2000)
    trace = controller.trace
    overwrites = [n for n, step in enumerate(trace.steps, 1)
                  if isinstance(step, BackwardStep) and step.replaced is not None]
    assert overwrites
    controller.to_start()
    for _ in range(overwrites[0]):
        squares.animation.step_forward.trigger()
    qtbot.waitUntil(lambda: controller.position == overwrites[0], timeout=3000)
    step = trace.steps[overwrites[0] - 1]
    note = squares.scene.node_items["x"].look.note
    assert struck("1") in note  # the gradient 1 from y was overwritten by x*x's 3
    struck_wires = [edge for edge, item in squares.scene.edge_items.items() if item.look.struck]
    assert struck_wires == [("x", "y", 0)] and squares.scene.edge_items[("x", "y", 0)].look.grad == "1"
    assert "bug: overwrites" in squares.animation.caption.text() and step.assign == "="


def test_bug_mode_is_never_saved(qtbot, squares, tmp_path, monkeypatch) -> None:
    squares.lens.bug_action.trigger()
    target = tmp_path / "results.json"
    monkeypatch.setattr("gui.export.actions.choose_save_path", lambda *args, **kwargs: target)
    assert squares.exports.export_with_results()
    saved = json.loads(target.read_text(encoding="utf-8"))
    x = next(node for node in saved["nodes"] if node["id"] == "x")
    assert x["result"]["grad"] == 7.0
    assert set(saved["graph"]) == {"format", "version", "name", "output"}


def test_explain_adds_the_pattern_to_the_caption(qtbot, neuron) -> None:
    controller = neuron.animation.controller
    steps = controller.trace.steps
    mul_step = next(n for n, step in enumerate(steps, 1) if isinstance(step, BackwardStep) and step.op.name == "mul")
    neuron.lens.explain_action.trigger()
    assert neuron.lens.explain_action.isChecked()
    controller.to_start()
    for _ in range(mul_step):
        neuron.animation.step_forward.trigger()
    qtbot.waitUntil(lambda: controller.position == mul_step, timeout=3000)
    caption = neuron.animation.caption.text()
    assert caption.splitlines()[1].startswith("mul swaps the inputs")
    # An exported animation's captions follow the toggle (Export ▸ Animation… reads it).
    from gui.export.gif import plan_frames

    assert neuron.presenter.explain
    frames = plan_frames(controller.trace, 0, len(steps), 12, neuron.presenter.explain)
    assert any("mul swaps the inputs" in frame.caption for frame in frames)
    neuron.lens.explain_action.trigger()
    assert len(neuron.animation.caption.text().splitlines()) == 1


def test_export_explain_puts_the_words_under_the_picture(qapp, tmp_path) -> None:
    from PySide6.QtGui import QImage

    from gui.export.subcommand import export_main

    graph = str(EXAMPLES_DIR_PATH / "tanh_neuron.json")
    plain, explained = tmp_path / "plain.png", tmp_path / "explained.png"
    assert export_main([graph, str(plain), "--stage", "12"]) == 0
    assert export_main([graph, str(explained), "--stage", "12", "--explain"]) == 0
    assert QImage(str(explained)).height() > QImage(str(plain)).height()  # a second line of words


def test_nudging_w1_shows_the_change_beside_grad_times_h(qtbot, neuron) -> None:
    from PySide6.QtCore import Qt

    document, scene, lens = neuron.document, neuron.scene, neuron.lens
    w1 = float(document.value_of("w1"))
    grad = float(neuron.presenter.evaluation.grad("w1"))
    undo_count = neuron.editor.undo_stack.count()
    scene.select_nodes(["w1"])
    neuron.view.setFocus()
    qtbot.keyClick(neuron.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    report = lens.nudge.report
    assert report is not None and report.h == 0.01
    n = float(neuron.presenter.evaluation.value("n"))
    assert abs(report.change - (np.tanh(n) - np.tanh(n - 0.01 * float(document.value_of("x1"))))) < 1e-12
    assert abs(report.prediction - grad * 0.01) < 1e-15 and abs(report.change - report.prediction) < 2e-4
    assert "Δo = 0.01" in neuron.statusBar().currentMessage() or "Δo = 0.009" in neuron.statusBar().currentMessage()
    assert "grad·h = 0.01" in neuron.statusBar().currentMessage()
    assert "grad·h 0.01" in scene.node_items["o"].look.note
    assert scene.node_items["w1"].look.value == format_value(np.float64(w1 + 0.01))
    assert scene.node_items["x1*w1".replace("*", "")].look.note.startswith("Δ")  # x1w1 moved by x1·h
    assert float(document.value_of("w1")) == w1  # a preview: the document is untouched
    assert lens.slider.value() == 10
    # Letting go of the slider restores; no undo entry.
    lens.slider.setSliderDown(True)
    lens.slider.setValue(20)
    assert abs(lens.nudge.h - 0.02) < 1e-12
    lens.slider.setSliderDown(False)
    assert not lens.nudge.active and lens.slider.value() == 0
    assert scene.node_items["w1"].look.value == format_value(np.float64(w1))
    assert neuron.editor.undo_stack.count() == undo_count
    # Keep: one undo step.
    qtbot.keyClick(neuron.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    lens.keep_nudge.trigger()
    assert float(document.value_of("w1")) == w1 - 0.01
    assert neuron.editor.undo_stack.count() == undo_count + 1
    neuron.editor.undo_stack.undo()
    assert float(document.value_of("w1")) == w1
