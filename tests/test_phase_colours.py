"""The phase of the step on screen colours the position label, the timeline handle,
the trace row, the highlighted card and wire and the tokens: read from the trace's
segments and steps, never from display text."""

from __future__ import annotations

from animation_helpers import key, prepare
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from engine.trace import BackwardStep, ForwardStep, Phase
from gui import theme


def label_colour(window) -> QColor:
    sheet = window.animation.transport.position.styleSheet()
    return QColor(sheet.split("color:")[1].strip().rstrip(";"))


def test_every_step_shows_its_phase_colour(qtbot, window):
    window = prepare(qtbot, window)
    controller = window.animation.controller
    trace = controller.trace
    assert window.animation.transport.timeline.segments == trace.segments
    assert label_colour(window) == theme.CARD_MUTED  # editing
    key(window, Qt.Key.Key_Home)
    assert label_colour(window) == theme.CARD_MUTED  # start: no step yet
    for applied, step in enumerate(trace.steps, start=1):
        key(window, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda applied=applied: controller.position == applied and not controller.tokens,
                        timeout=5000)
        colour = theme.PHASE_COLOURS[step.phase]
        assert colour == (theme.VALUE if step.phase is Phase.FORWARD else theme.GRADIENT)
        assert label_colour(window) == colour, trace.position_text(applied)
        rows = window.animation.trace_dock.model
        assert rows.data(rows.index(applied - 1, 0), Qt.ItemDataRole.ForegroundRole).color() == colour
        node = step.source if isinstance(step, BackwardStep) else step.node
        assert window.scene.node_items[node].look.highlight is step.phase
        edges = step.in_edges if isinstance(step, ForwardStep) else ()
        for edge in (step.edge,) if isinstance(step, BackwardStep) else edges:
            assert window.scene.edge_items[edge].look.highlight is step.phase
