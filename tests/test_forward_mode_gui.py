"""Forward mode in the window: the Reverse | Forward switch, the seed picker, the
tangent pass played left to right in the tangent colour, and back to reverse."""

from __future__ import annotations

import numpy as np
from animation_helpers import example_document, open_window, space
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.steps import Phase
from engine.trace import TangentStep
from engine.values import format_value, format_value_full
from gui import theme
from gui.animation.tokens import TokenItem


def neuron(qtbot):
    return open_window(qtbot, example_document("tanh_neuron.json"))


def pick_seed(window, name: str) -> None:
    """Choose `name` in the transport's seed list (what a click on its row does: the
    offscreen platform cannot open a combo box's popup)."""
    combo = window.animation.transport.seed
    index = combo.findText(name)
    assert index >= 0, name
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def finite_difference(document, node: str, seed: str, h: float = 1e-6) -> float:
    """∂node/∂seed by central differences on the document's own evaluation."""
    value = float(document.attrs(seed)["value"])
    results = []
    for delta in (h, -h):
        document.set_value(seed, value + delta)
        results.append(float(document.evaluation().value(node)))
    document.set_value(seed, value)
    return (results[0] - results[1]) / (2 * h)


def test_forward_mode_seeded_at_w1_brings_do_dw1_to_o_in_the_tangent_colour(qtbot):
    window = neuron(qtbot)
    animation = window.animation
    controller = animation.controller
    reverse_trace = controller.trace
    assert animation.reverse_mode.isChecked() and not animation.forward_mode.isChecked()

    animation.forward_mode.trigger()
    assert animation.forward_mode.isChecked() and not animation.reverse_mode.isChecked()
    pick_seed(window, "w1")
    assert controller.seed == "w1"
    trace = controller.trace
    assert trace is not reverse_trace
    assert [segment.phase for segment in trace.segments] == [Phase.FORWARD, Phase.TANGENT]

    launched: list[TokenItem] = []
    controller.tokensLaunched.connect(launched.extend)
    space(window)
    qtbot.waitUntil(lambda: not controller.playing, timeout=15000)
    assert controller.position == len(trace)

    o = window.scene.node_items["o"]
    assert o.look.tangent
    expected = finite_difference(example_document("tanh_neuron.json"), "o", "w1")
    assert np.isclose(expected, 1.0, atol=1e-6)
    assert o.look.grad == format_value(trace.steps[-1].tangent) == "1"
    assert "tangent 1" in o.describe()
    seed_card = window.scene.node_items["w1"]
    assert seed_card.look.grad == "1" and seed_card.look.note == "seed 1"
    # Every wire carries its source's tangent, in the tangent colour.
    for edge, item in window.scene.edge_items.items():
        assert item.look.tangent and item.look.grad != "", edge
    tangent_tokens = [token for token in launched if token.phase is Phase.TANGENT]
    assert tangent_tokens and {t.colour.name() for t in tangent_tokens} == {theme.TANGENT.name()}
    assert any(t.text.endswith("ε") and " + " in t.text for t in tangent_tokens)

    # The picture: the tangent colour is on the canvas.
    image = window.view.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert theme.TANGENT.name() in colours

    # One step back: a tangent step, named in the caption bar and the position label.
    controller.step_back()
    step = trace.steps[controller.position - 1]
    assert isinstance(step, TangentStep)
    caption = animation.caption
    assert caption.isVisible() and step.caption() in caption.text()
    assert caption.text().startswith("tangent ")
    assert animation.transport.position.text().startswith("tangent ")
    assert theme.TANGENT.name() in animation.transport.position.styleSheet()
    assert theme.TANGENT.name() in caption.styleSheet()
    rows = animation.trace_dock.model
    assert rows.rowCount() == len(trace)

    animation.reverse_mode.trigger()
    assert controller.seed is None and controller.trace is window.presenter.evaluation.trace
    assert [segment.phase for segment in controller.trace.segments] == [Phase.FORWARD, Phase.BACKWARD]
    assert rows.rowCount() == len(controller.trace)
    controller.to_end()
    assert not window.scene.node_items["o"].look.tangent
    assert window.scene.node_items["w1"].look.grad == format_value(window.presenter.evaluation.grad("w1"))


def test_clicking_an_input_card_in_forward_mode_makes_it_the_seed(qtbot):
    window = neuron(qtbot)
    controller = window.animation.controller
    view, card = window.view, window.scene.node_items["x2"]
    # Reverse mode: a click only selects.
    point = view.mapFromScene(card.mapToScene(card.card.center()))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert controller.seed is None
    window.animation.forward_mode.trigger()
    assert controller.seed == "x1"  # the first input until one is picked
    window.scene.clearSelection()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert controller.seed == "x2"
    assert window.animation.transport.seed.currentText() == "x2"
    controller.to_end()
    assert window.scene.node_items["x2"].look.note == "seed 1"


def test_export_draws_the_finished_tangent_pass_in_the_tangent_colour(tmp_path, qapp):
    from PySide6.QtGui import QImage

    from engine.examples import EXAMPLES_DIR
    from gui.export.subcommand import export_main

    graph = str(EXAMPLES_DIR / "tanh_neuron.json")
    pictures, pixels = {}, {}
    for name, args in (("tangent", ["--stage", "tangent", "--seed", "w1"]), ("backward", ["--stage", "backward"]),
                       ("tangent_x2", ["--stage", "tangent", "--seed", "x2"])):
        out = tmp_path / f"{name}.png"
        assert export_main([graph, str(out), *args]) == 0
        image = QImage(str(out))
        assert not image.isNull()
        converted = image.convertToFormat(QImage.Format.Format_RGB32)  # alive while its bytes are copied
        pixels[name] = bytes(converted.constBits())
        pictures[name] = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert theme.TANGENT.name() in pictures["tangent"]
    assert theme.TANGENT.name() not in pictures["backward"]
    assert theme.GRADIENT.name() in pictures["backward"] and theme.GRADIENT.name() not in pictures["tangent"]
    assert pixels["tangent"] != pixels["tangent_x2"]  # ȯ = 1 along w1, 0 along x2


def test_the_trace_panel_counts_what_the_full_gradient_costs_in_each_mode(qtbot):
    window = neuron(qtbot)
    dock = window.animation.trace_dock
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: dock.cost.isVisible() and "passes" in dock.cost.text(), timeout=3000)
    text = dock.cost.text()
    assert text.startswith("Cost of the full gradient: 5 inputs → 1 output: reverse mode 1 pass (")
    assert "forward mode 5 passes (" in text
    reverse_ops = int(text.split("reverse mode 1 pass (")[1].split(" ops")[0])
    forward_ops = int(text.split("forward mode 5 passes (")[1].split(" ops")[0])
    assert forward_ops > reverse_ops > 0
    # An edit that adds an input: six passes forward, still one backward.
    window.document.add_node("input", -600, 400, node_id="z", value=1.0)
    window.presenter.refresh()
    qtbot.waitUntil(lambda: "6 inputs" in dock.cost.text(), timeout=3000)
    assert "forward mode 6 passes" in dock.cost.text() and "reverse mode 1 pass (" in dock.cost.text()


def test_all_inputs_plays_a_pass_per_input_and_fills_the_gradient_table(qtbot):
    window = neuron(qtbot)
    animation = window.animation
    controller = animation.controller
    runner = animation.all_inputs_runner
    dock = animation.trace_dock
    dock.show()
    dock.raise_()
    seeds: list[str] = []
    controller.traceChanged.connect(lambda: seeds.append(controller.seed))
    animation.all_inputs.trigger()
    assert runner.active and controller.seed == "x1" and controller.playing
    qtbot.waitUntil(lambda: not runner.active, timeout=30000)
    inputs = [node_id for node_id, _ in window.presenter.input_nodes()]
    assert [s for s in seeds if s is not None] == inputs  # one pass per input, in turn
    evaluation = window.presenter.evaluation
    reference = example_document("tanh_neuron.json")
    for node_id in inputs:
        # Forward mode's five numbers are reverse mode's five, and the finite differences'.
        assert np.isclose(float(runner.results[node_id]), float(evaluation.grad(node_id)))
        assert np.isclose(float(runner.results[node_id]), finite_difference(reference, "o", node_id), atol=1e-6)
    rows = dock.cost.text().splitlines()
    assert "∂o/∂w1: forward pass 2 → 1, reverse → 1" in rows
    assert sum(1 for row in rows if row.startswith("∂o/∂")) == 5


def test_tooltips_in_forward_mode_give_the_tangent_in_full(qtbot):
    window = neuron(qtbot)
    controller = window.animation.controller
    window.animation.forward_mode.trigger()
    pick_seed(window, "w1")
    controller.to_end()
    scene = window.scene
    o = scene.node_items["o"]
    tangent = controller.trace.state_at(controller.position).node_tangents["o"]
    assert f"tangent: {format_value_full(tangent)}" in scene.tooltip_for(o).splitlines()
    assert "gradient" not in scene.tooltip_for(o)
    wire = scene.edge_items[next(e for e in scene.edge_items if e[0] == "w1")]
    assert "tangent: 1" in scene.tooltip_for(wire)


def test_switching_to_forward_mode_at_the_end_of_a_longer_reverse_pass_lands_on_the_last_step(qtbot):
    """Seeded at an input few nodes depend on, the tangent trace is shorter than the
    reverse one: the place at the reverse pass's end comes back inside it (it used to
    show a step past the end: IndexError in the caption and the follower)."""
    from benchmarks.make_graph import random_dag
    from engine.document import GraphDocument
    from engine.fileformat import parse_data

    window = open_window(qtbot, GraphDocument.from_spec(parse_data(random_dag(30, seed=1))))
    controller = window.animation.controller
    controller.jump(len(controller.trace))
    reverse_length = len(controller.trace)
    seed = [n for n in window.document.node_ids() if window.document.op_of(n).name == "input"][-1]
    controller.set_seed(seed)
    tangent = controller.trace
    assert len(tangent) < reverse_length
    assert controller.position == len(tangent)
    last = tangent.steps[-1]
    assert window.animation.caption.isVisible()
    assert last.caption() in window.animation.caption.text()
