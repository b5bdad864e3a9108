"""The animation plays the trace and nothing else: forward visits every node and
wire once, backward every wire that carries a gradient once; after N steps the
canvas shows the trace's state N; keys, menu, timeline and edits drive it."""

from __future__ import annotations

import pytest
from animation_helpers import (
    EXAMPLES,
    assert_canvas_shows,
    example_document,
    fan_out_document,
    key,
    looks,
    open_window,
    prepare,
    space,
    vector_document,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from engine.document import GraphDocument
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep
from engine.values import format_value
from gui import theme
from gui.animation.tokens import TokenItem


@pytest.fixture
def seed(qtbot, window):
    return prepare(qtbot, window)


@pytest.fixture
def fan_out(qtbot):
    return open_window(qtbot, fan_out_document())


def controller_of(window):
    return window.animation.controller


def wait_idle(qtbot, window) -> None:
    """Until the flight under way (if any) has landed and nothing plays."""
    controller = controller_of(window)
    qtbot.waitUntil(lambda: not controller.playing and not controller.tokens, timeout=5000)


def tokens_in_scene(window) -> list[TokenItem]:
    return [item for item in window.scene.items() if isinstance(item, TokenItem)]


def play_through(qtbot, window) -> tuple[list[int], list[tuple[str, tuple]]]:
    """Press Space and record every landing and every token launched until the end."""
    controller = controller_of(window)
    landed: list[int] = []
    launched: list[tuple[str, tuple]] = []
    controller.stepLanded.connect(landed.append)
    controller.tokensLaunched.connect(lambda tokens: launched.extend((t.phase, t.edge, t.colour) for t in tokens))
    space(window)
    assert controller.playing
    qtbot.waitUntil(lambda: not controller.playing, timeout=10000)
    return landed, launched


EXAMPLE_FILES = sorted(path.name for path in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("graph", ["seed", "fan_out", *EXAMPLE_FILES])
def test_forward_visits_every_node_and_wire_once_backward_every_gradient_wire_once(qtbot, request, graph):
    if graph.endswith(".json"):
        window = open_window(qtbot, example_document(graph))
    else:
        window = request.getfixturevalue(graph)
    controller = controller_of(window)
    trace = controller.trace
    landed, launched = play_through(qtbot, window)
    assert landed == list(range(1, len(trace) + 1))
    assert controller.position == len(trace)
    assert tokens_in_scene(window) == []

    forward_steps = [s for s in trace.steps[:trace.forward_count] if isinstance(s, ForwardStep)]
    assert len(forward_steps) == trace.forward_count
    assert sorted(s.node for s in forward_steps) == sorted(window.document.node_ids())
    forward_wires = [edge for phase, edge, _ in launched if phase == "forward"]
    assert sorted(forward_wires) == sorted(window.document.edges())

    evaluation = window.presenter.evaluation
    gradient_wires = [e for e in window.document.edges() if evaluation.edge_grad(e) is not None]
    backward_wires = [edge for phase, edge, _ in launched if phase == "backward"]
    assert sorted(backward_wires) == sorted(gradient_wires)
    assert all(phase == "forward" for phase, _, _ in launched[:len(forward_wires)]), "forward tokens come first"
    assert {colour.name() for phase, _, colour in launched if phase == "forward"} == {theme.VALUE.name()}
    assert {colour.name() for phase, _, colour in launched if phase == "backward"} == {theme.GRADIENT.name()}


def test_tokens_carry_the_trace_numbers_along_the_curve(qtbot, seed):
    controller = controller_of(seed)
    trace = controller.trace
    scene = seed.scene
    key(seed, Qt.Key.Key_Home)
    for _ in range(3):  # the three inputs: nothing travels, they land at once
        key(seed, Qt.Key.Key_Right)
    assert controller.position == 3 and not controller.tokens
    space(seed)
    qtbot.waitUntil(lambda: bool(controller.tokens), timeout=2000)
    space(seed)  # pause with s's two tokens on their wires
    step = trace.steps[3]
    assert isinstance(step, ForwardStep) and step.name == "s"
    tokens = controller.tokens
    assert sorted(t.edge for t in tokens) == sorted(step.in_edges)
    assert sorted(t.text for t in tokens) == sorted(format_value(v) for v in step.inputs)
    assert tokens_in_scene(seed) and controller.position == 3, "in flight, s has not computed yet"
    held = [t.pos() for t in tokens]
    qtbot.wait(60)
    assert [t.pos() for t in tokens] == held, "paused tokens stay put"
    for token in tokens:
        edge_item = scene.edge_items[token.edge]
        token.set_progress(0.0)
        assert token.pos() == edge_item.source.output.scenePos()
        token.set_progress(1.0)
        assert token.pos() == edge_item.target.inputs[edge_item.port].scenePos()
        token.set_progress(0.5)
        assert token.pos() == edge_item.path().pointAtPercent(0.5)


def test_a_backward_token_runs_from_target_to_source(qtbot, seed):
    controller = controller_of(seed)
    trace = controller.trace
    seed_index = trace.forward_count  # the seed step; the first wire follows it
    controller.jump(seed_index + 1)
    key(seed, Qt.Key.Key_Right)
    step = trace.steps[seed_index + 1]
    assert isinstance(step, BackwardStep)
    (token,) = controller.tokens
    assert token.edge == step.edge and token.phase == "backward"
    assert token.text == format_value(step.contribution)
    edge_item = seed.scene.edge_items[step.edge]
    token.set_progress(0.0)
    assert token.pos() == edge_item.target.inputs[edge_item.port].scenePos()
    token.set_progress(1.0)
    assert token.pos() == edge_item.source.output.scenePos()
    wait_idle(qtbot, seed)
    assert controller.position == seed_index + 2


@pytest.mark.parametrize("graph", ["seed", "fan_out"])
def test_after_each_step_the_canvas_shows_the_trace_at_that_step(qtbot, request, graph):
    window = request.getfixturevalue(graph)
    controller = controller_of(window)
    trace = controller.trace
    key(window, Qt.Key.Key_Home)
    assert controller.position == 0
    assert_canvas_shows(window, trace.state_at(0))
    for applied in range(1, len(trace) + 1):
        key(window, Qt.Key.Key_Right)
        wait_idle(qtbot, window)
        assert controller.position == applied
        assert_canvas_shows(window, trace.state_at(applied))
        assert window.animation.transport.position.text() == trace.position_text(applied)


def test_fan_out_shows_each_arrival_then_the_sum(qtbot, fan_out):
    controller = controller_of(fan_out)
    trace = controller.trace
    x_card = fan_out.scene.node_items["x"]
    notes, grads = [], []
    for applied, step in enumerate(trace.steps, start=1):
        controller.jump(applied)
        if (isinstance(step, BackwardStep) and step.source == "x") or isinstance(step, AccumulateStep):
            notes.append(x_card.look.note)
            grads.append(x_card.look.grad)
    assert notes == ["+= 1", "+= 3", "+= 3", "= 1 + 3 + 3"]
    assert grads == ["1", "4", "7", "7"]


def test_the_seed_states_its_ones(qtbot):
    window = open_window(qtbot, vector_document())
    controller = controller_of(window)
    trace = controller.trace
    seed_step = trace.steps[trace.forward_count]
    assert isinstance(seed_step, SeedStep)
    controller.jump(trace.forward_count + 1)
    card = window.scene.node_items["y"].look
    assert card.value == "[3] 1, 4, 9"
    assert card.note == "seed [3] 1, 1, 1"
    assert "ones" in seed_step.text()


def test_stepping_back_then_forward_gives_the_same_picture(qtbot, fan_out):
    controller = controller_of(fan_out)
    total = len(controller.trace)
    key(fan_out, Qt.Key.Key_Home)
    pictures = [looks(fan_out)]
    for _ in range(total):
        key(fan_out, Qt.Key.Key_Right)
        wait_idle(qtbot, fan_out)
        pictures.append(looks(fan_out))
    assert len({repr(p) for p in pictures}) == total + 1, "every step changes the picture"
    for applied in range(total, 0, -1):
        key(fan_out, Qt.Key.Key_Left)
        assert controller.position == applied - 1
        assert looks(fan_out) == pictures[applied - 1]
        key(fan_out, Qt.Key.Key_Right)
        wait_idle(qtbot, fan_out)
        assert looks(fan_out) == pictures[applied]
        key(fan_out, Qt.Key.Key_Left)
    assert controller.position == 0


def test_keys_drive_it(qtbot, seed):
    controller = controller_of(seed)
    total = len(controller.trace)
    assert controller.position is None, "the window opens editing"
    key(seed, Qt.Key.Key_End)
    assert controller.position == total
    scrolled = seed.view.horizontalScrollBar().value()
    key(seed, Qt.Key.Key_Right)
    assert controller.position == total and not controller.tokens, "nothing after the end"
    assert seed.view.horizontalScrollBar().value() == scrolled, "the arrow did not scroll the canvas"
    key(seed, Qt.Key.Key_Left)
    assert controller.position == total - 1
    key(seed, Qt.Key.Key_Home)
    assert controller.position == 0
    key(seed, Qt.Key.Key_Right)
    wait_idle(qtbot, seed)
    assert controller.position == 1
    space(seed)
    assert controller.playing
    space(seed)
    assert not controller.playing
    paused_at = controller.position
    qtbot.wait(40)
    assert controller.position == paused_at, "paused means paused"
    space(seed)
    qtbot.waitUntil(lambda: controller.position == total and not controller.playing, timeout=5000)
    space(seed)  # at the end, Play starts over
    assert controller.playing and controller.position < total
    key(seed, Qt.Key.Key_Home)
    assert not controller.playing and controller.position == 0


def test_arrow_keys_in_a_text_field_stay_with_the_text_field(qtbot, seed):
    controller = controller_of(seed)
    key(seed, Qt.Key.Key_Home)
    field = seed.inspector.label_edit
    field.setEnabled(True)
    field.setText("abc")
    field.setFocus()
    field.setCursorPosition(3)
    QTest.keyClick(field, Qt.Key.Key_Left)
    assert field.cursorPosition() == 2
    assert controller.position == 0


def test_an_edit_during_playback_stops_it_and_returns_to_editing(qtbot, seed):
    controller = controller_of(seed)
    controller.time_scale = 1.0  # slow enough that the edit lands mid-flight
    space(seed)
    qtbot.waitUntil(lambda: bool(controller.tokens), timeout=5000)
    assert seed.editor.set_value_text("a", "3")
    assert not controller.playing
    assert controller.position is None and seed.presenter.applied is None
    assert tokens_in_scene(seed) == []
    qtbot.waitUntil(lambda: seed.scene.node_items["d"].look.value == format_value(3 * -1.7), timeout=2000)
    assert seed.scene.node_items["a"].look.grad == format_value(-1.7), "editing shows every gradient again"
    assert seed.animation.transport.position.text() == "editing"
    qtbot.wait(50)
    assert controller.position is None, "it stays stopped"
    # The new numbers are what plays next.
    key(seed, Qt.Key.Key_End)
    assert seed.scene.node_items["d"].look.value == format_value(3 * -1.7)


def test_moving_a_node_while_paused_also_returns_to_editing(qtbot, seed):
    controller = controller_of(seed)
    key(seed, Qt.Key.Key_End)
    seed.editor.move_nodes({"a": ((-220.0, -60.0), (-200.0, -40.0))})
    assert controller.position is None


def test_the_timeline_scrubs(qtbot, seed):
    controller = controller_of(seed)
    timeline = seed.animation.transport.timeline
    total = len(controller.trace)
    assert timeline.total == total
    for applied in (4, 0, total, 7):
        QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(round(timeline.x_of(applied)), timeline.height() // 2))
        assert controller.position == applied
        assert timeline.position == applied
    start = QPoint(round(timeline.x_of(1)), timeline.height() // 2)
    QTest.mousePress(timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    seen = []
    for applied in range(2, total + 1):
        QTest.mouseMove(timeline, QPoint(round(timeline.x_of(applied)), timeline.height() // 2))
        seen.append(controller.position)
    QTest.mouseRelease(timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(round(timeline.x_of(total)), timeline.height() // 2))
    assert seen == list(range(2, total + 1))
    assert_canvas_shows(seed, controller.trace.state_at(total))


def trigger(window, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    assert action in window.menu("&Animation").actions() or any(
        action in menu_action.menu().actions() for menu_action in window.menu("&Animation").actions()
        if menu_action.menu() is not None), f"{name} is not in the Animation menu"
    action.trigger()


def test_the_animation_menu(qtbot, seed):
    controller = controller_of(seed)
    total = len(controller.trace)
    trigger(seed, "to_end")
    assert controller.position == total
    trigger(seed, "step_back")
    assert controller.position == total - 1
    trigger(seed, "to_start")
    assert controller.position == 0
    trigger(seed, "step_forward")
    wait_idle(qtbot, seed)
    assert controller.position == 1
    trigger(seed, "play_pause")
    assert controller.playing
    assert seed.findChild(QAction, "play_pause").text().startswith("&Pause")
    trigger(seed, "play_pause")
    assert not controller.playing
    trigger(seed, "stop_animation")
    assert controller.position is None
    assert_canvas_shows_everything(seed)
    trigger(seed, "speed_4x")
    assert controller.speed == 4.0
    assert seed.animation.transport.speed.currentText() == "4×"
    trigger(seed, "slower")
    assert controller.speed == 2.0
    trigger(seed, "speed_0.25x")
    trigger(seed, "slower")
    assert controller.speed == 0.25, "0.25× is the slowest"
    trigger(seed, "show_trace")
    assert not seed.animation.trace_dock.isVisible()


def assert_canvas_shows_everything(window) -> None:
    evaluation = window.presenter.evaluation
    for node_id, item in window.scene.node_items.items():
        assert item.look.value == format_value(evaluation.value(node_id))
        assert item.look.grad == format_value(evaluation.grad(node_id))
        assert not item.look.highlight


def test_speed_keys_and_a_change_mid_flight(qtbot, seed):
    controller = controller_of(seed)
    controller.time_scale = 1.0
    controller.jump(3)
    key(seed, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: bool(controller.tokens), timeout=2000)
    key(seed, Qt.Key.Key_BracketRight)
    assert controller.speed == 2.0
    assert controller.tokens, "the flight goes on at the new pace"
    key(seed, Qt.Key.Key_BracketLeft)
    key(seed, Qt.Key.Key_BracketLeft)
    assert controller.speed == 0.5
    key(seed, Qt.Key.Key_Right)  # lands the step in flight at once, starts the next
    assert controller.position == 4


def test_an_empty_graph_has_nothing_to_play(qtbot):
    window = open_window(qtbot, GraphDocument())
    space(window)
    key(window, Qt.Key.Key_Right)
    key(window, Qt.Key.Key_End)
    controller = controller_of(window)
    assert not controller.playing
    assert controller.position in (None, 0)
    assert tokens_in_scene(window) == []


def test_replacing_the_document_mid_flight_stops_cleanly(qtbot, seed):
    controller = controller_of(seed)
    controller.time_scale = 1.0
    space(seed)
    qtbot.waitUntil(lambda: bool(controller.tokens), timeout=5000)
    seed.document.replace_with(fan_out_document())  # Revert / Open / restore do this
    assert not controller.playing and controller.tokens == []
    assert tokens_in_scene(seed) == []
    assert sorted(seed.scene.node_items) == sorted(seed.document.node_ids())
