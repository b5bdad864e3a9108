"""The trace as named segments of one phase each: every step lies in the segment of
its own phase, and the position text, the stages and the phase at a position are all
read from the segments (nothing parses display text)."""

from __future__ import annotations

import json

import pytest
from engine_helpers import op_document, seed_example

from engine.trace import Phase, Segment


def test_forward_then_backward_segments_cover_the_steps_of_their_phase() -> None:
    trace = seed_example().evaluation().trace
    forward, backward = trace.segments
    assert (forward.phase, forward.start) == (Phase.FORWARD, 0)
    assert (backward.phase, backward.start, backward.stop) == (Phase.BACKWARD, forward.stop, len(trace))
    for segment in trace.segments:
        assert all(step.phase is segment.phase for step in trace.steps[segment.start:segment.stop])
    assert trace.count(Phase.FORWARD) == trace.forward_count == len(forward) == 5
    assert trace.count(Phase.BACKWARD) == trace.backward_count == len(trace) - 5


def test_positions_stages_and_phases_come_from_the_segments() -> None:
    trace = seed_example().evaluation().trace
    forward, backward = trace.segments
    assert trace.position_text(0) == "start"
    assert trace.phase_at(0) is None
    for applied in range(1, len(trace) + 1):
        segment = forward if applied <= forward.stop else backward
        assert trace.position_text(applied) == f"{segment.phase} {applied - segment.start}/{len(segment)}"
        assert trace.phase_at(applied) is trace.steps[applied - 1].phase is segment.phase
    assert trace.position_text(len(trace) + 1) == "done"
    assert trace.phase_at(len(trace) + 1) is Phase.BACKWARD  # the last step taken
    assert [trace.stage_steps(stage) for stage in ("input", "forward", "backward")] == [0, 5, len(trace)]
    assert trace.stage_steps(Phase.FORWARD) == 5


def test_a_trace_without_gradients_has_only_the_forward_segment() -> None:
    document = op_document("mul", [2.0, 3.0])
    document.add_node("add", node_id="half")  # its port b is not wired: no value, no backward
    document.add_edge("out", "half", 0)
    document.set_output("half")
    trace = document.evaluation().trace
    assert len(trace) == 3
    assert trace.segments == (Segment(Phase.FORWARD, 0, len(trace)),)
    assert trace.backward_count == 0 and trace.segment(Phase.BACKWARD) is None
    assert trace.position_text(len(trace)) == f"forward {len(trace)}/{len(trace)}"
    assert trace.stage_steps("backward") == len(trace)


def test_the_phase_reads_and_writes_as_its_word() -> None:
    assert Phase.FORWARD == "forward" and f"{Phase.BACKWARD}" == "backward" == str(Phase.BACKWARD)
    assert json.dumps({"phase": Phase.FORWARD}) == '{"phase": "forward"}'
    assert Phase("backward") is Phase.BACKWARD
    with pytest.raises(ValueError, match="sideways"):
        Phase("sideways")
