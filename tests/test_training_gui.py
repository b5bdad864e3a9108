"""Training in the editor, as a person does it: press Train, let it run a few slices,
see the parameters change on the document, undo the run in one step, edit to pause,
Reset; mark an input trainable from its right-click menu; load data from a CSV file
or a toy dataset; see the loss curve and the decision boundary."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file
from engine.training.boundary import GRID
from engine.values import format_number
from gui.training import actions as training_actions
from gui.training.session import MAX_SPEED
from tests.file_helpers import trigger

MOONS = EXAMPLES_DIR / "training_two_moons_mlp.json"


@pytest.fixture
def moons(qtbot):
    from gui.main_window import MainWindow

    window = MainWindow(GraphDocument.from_spec(read_file(MOONS)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.training.dock.speed.setCurrentIndex(window.training.dock.speed.findData(MAX_SPEED))
    return window


def _train_a_while(qtbot, window, steps: int = 30) -> None:
    session = window.training.session
    trigger(window, "train_play")
    assert session.running
    qtbot.waitUntil(lambda: len(session.losses) >= steps, timeout=5000)
    trigger(window, "train_play")  # Pause
    assert not session.running


def test_a_run_changes_the_parameters_and_is_one_undo_step(qtbot, moons):
    document, stack = moons.document, moons.editor.undo_stack
    start = {n: np.array(document.value_of(n)) for n in ("W1", "b1", "W3")}
    assert moons.training.dock.isVisible()  # a graph with parameters opens the panel
    assert moons.training.session.optimizer == "adam" and moons.training.session.lr == 0.02  # graph.training
    _train_a_while(qtbot, moons)
    losses = moons.training.session.losses
    assert stack.count() == 1
    assert stack.text(0).startswith(f"Train {len(losses)} steps, loss 0.241 → ")
    assert not np.array_equal(document.value_of("W1"), start["W1"])
    moons.presenter.refresh()  # (the canvas evaluates on the next turn of the event loop)
    assert moons.presenter.evaluation.value("loss") < losses[0]
    trigger(moons, "undo")
    for node_id, value in start.items():
        assert np.array_equal(document.value_of(node_id), value)
    trigger(moons, "redo")
    assert not np.array_equal(document.value_of("W1"), start["W1"])
    # the panel: the loss curve and the decision boundary
    dock = moons.training.dock
    _xs, ys = dock.loss_plot.curve.getData()
    assert list(ys) == moons.training.session.losses
    qtbot.waitUntil(lambda: dock.boundary_plot.isVisible(), timeout=2000)
    image = dock.boundary_plot.image.image
    assert image.shape == (GRID, GRID) and np.all((image > 0) & (image < 1))  # a sigmoid's output over the grid
    assert "p computed over the plane of X" in dock.boundary_caption.text()
    assert dock.status.text() == f"{len(losses)} steps · loss now {format_number(moons.training.session.loss_now, 4)}"
    dock.log.setChecked(True)
    assert dock.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()


def test_an_edit_pauses_training_and_reset_returns_to_the_start(qtbot, moons):
    session, document = moons.training.session, moons.document
    start = np.array(document.value_of("W2"))
    trigger(moons, "train_play")
    qtbot.waitUntil(lambda: len(session.losses) >= 5, timeout=5000)
    moons.editor.move_nodes({"X": (document.position("X"), (0.0, 0.0))})
    assert not session.running
    assert moons.statusBar().currentMessage() == "Training paused: the graph was edited."
    trigger(moons, "train_play")  # goes on from the trained values, a second run
    qtbot.waitUntil(lambda: moons.editor.undo_stack.count() == 3, timeout=5000)
    trigger(moons, "train_reset")
    assert not session.running and session.losses == []
    assert np.array_equal(document.value_of("W2"), start)
    assert moons.editor.undo_stack.text(moons.editor.undo_stack.count() - 1).startswith("Reset training")


def test_trainable_from_the_context_menu_is_one_undo_step_and_shown_on_the_card(qtbot, window):
    document = window.document
    assert window.scene.node_items["a"].trainable is False
    menu = window.context_menus.build("a", QPointF())
    toggle = next(a for a in menu.actions() if a.objectName() == "context_trainable")
    assert not toggle.isChecked()
    toggle.trigger()
    assert document.is_trainable("a") and window.scene.node_items["a"].trainable
    assert window.editor.undo_stack.text(0) == "Make a trainable"
    trigger(window, "undo")
    assert not document.is_trainable("a")
    menu = window.context_menus.build("s", QPointF())  # an add node has no such item
    assert not [a for a in menu.actions() if a.objectName() == "context_trainable"]


def test_training_without_parameters_says_why(qtbot, window):
    trigger(window, "train_play")
    assert not window.training.session.running
    assert window.statusBar().currentMessage().startswith("Cannot train: the graph has no trainable input")


def test_load_data_reads_a_csv_into_the_selected_input(qtbot, window, tmp_path, monkeypatch):
    good, ragged = tmp_path / "good.csv", tmp_path / "ragged.csv"
    good.write_text("u,v\n1,2\n3,4\n5,6\n")
    ragged.write_text("1,2\n3\n")
    chosen = [ragged, good]
    monkeypatch.setattr(training_actions, "choose_csv_path", lambda parent: chosen.pop(0))
    window.scene.select_nodes(["b"])
    trigger(window, "load_data")
    assert window.statusBar().currentMessage().startswith("Cannot load ragged.csv: row 2 has 1 values")
    assert window.document.value_of("b") == -1.8
    trigger(window, "load_data")
    assert window.document.value_of("b").tolist() == [[1, 2], [3, 4], [5, 6]]
    assert window.editor.undo_stack.text(0) == "Load good.csv into b (3×2)"


def test_a_toy_dataset_fills_x_and_y_in_one_undo_step(qtbot, window):
    document = window.document
    trigger(window, "dataset_moons")
    x, y = document.value_of("X"), document.value_of("y")
    assert x.shape == (100, 2) and y.shape == (100, 1)
    assert window.editor.undo_stack.count() == 1
    trigger(window, "dataset_xor")  # the same inputs, new values
    assert document.value_of("X").shape == (100, 2) and not np.array_equal(document.value_of("X"), x)
    trigger(window, "undo")
    trigger(window, "undo")
    assert "X" not in document and "y" not in document
