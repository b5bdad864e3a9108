"""Trace.state_at continues from the last state it replayed; in any order of calls it
gives exactly what a replay from the first step gives."""

from __future__ import annotations

import random

from engine.document import GraphDocument
from engine.examples import example_files
from engine.fileformat import read_file
from engine.trace import Trace, TraceState, _apply


def fresh_replay(trace: Trace, applied: int) -> TraceState:
    state = TraceState(node_values=dict(trace.leaf_values))
    for step in trace.steps[:applied]:
        _apply(state, step)
        state.step = step
    return state


def test_states_in_any_order_equal_a_replay_from_the_start():
    rng = random.Random(7)
    for _, path in example_files():
        trace = GraphDocument.from_spec(read_file(path)).evaluation().trace
        order = [*range(len(trace) + 1), *(rng.randrange(len(trace) + 1) for _ in range(30))]
        for applied in order:
            state = trace.state_at(applied)
            assert state == fresh_replay(trace, applied), (path.name, applied)
            state.node_values.clear()  # a caller changing its state must not change the next one
        assert trace.state_at(len(trace)) == fresh_replay(trace, len(trace))
