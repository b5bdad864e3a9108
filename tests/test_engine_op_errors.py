"""An op that raises, forward or backward, is a problem on its node with the exception's
own words, never an exception out of evaluation; only shapes that really do not
combine are reported as a shape problem. The broken ops live in a registry copy
of the test's own, as custom ops will live in a document's."""

from __future__ import annotations

import numpy as np
import pytest

from engine.document import GraphDocument
from engine.evaluate import BLOCKED, ERROR, FAILED
from engine.ops import ONE, OPS, Op, PortSpec
from engine.trace import ForwardStep


def _broken_forward(x):
    return x + "1"  # the mistake a custom op might make: a TypeError


def _broken_value_error(x):
    raise ValueError("this op only takes values from 0 to 1")


def _broken_vjp(local, upstream, args, out, port):
    return upstream * [local]  # a TypeError, in backward only


def registry_with_broken_ops():
    registry = OPS.copy()
    port = PortSpec("x", "1", lambda args, out: ONE)
    registry.register(Op("typo", "t", "Custom", "raises TypeError", "typo({x})", _broken_forward, (port,)))
    registry.register(Op("picky", "p", "Custom", "raises ValueError", "picky({x})", _broken_value_error, (port,)))
    bad_gradient = PortSpec("x", "1", lambda args, out: ONE, vjp=_broken_vjp)
    registry.register(Op("twin", "w", "Custom", "x, with a broken VJP", "twin({x})", lambda x: x, (bad_gradient,)))
    return registry


def chain(registry, op: str, value=0.5) -> GraphDocument:
    """x → broken1 (op) → tanh1, the output."""
    document = GraphDocument(registry)
    document.add_node("input", node_id="x", value=value)
    document.add_node(op, node_id="broken1")
    document.add_node("tanh", node_id="tanh1")
    document.add_edge("x", "broken1", 0)
    document.add_edge("broken1", "tanh1", 0)
    document.set_output("tanh1")
    return document


def expected_words(call, *args) -> str:
    with pytest.raises(Exception) as caught:
        call(*args)
    return f"{type(caught.value).__name__}: {caught.value}"


def test_a_type_error_forward_is_an_error_on_the_node_not_a_shape_problem() -> None:
    evaluation = chain(registry_with_broken_ops(), "typo").evaluation()
    problem = evaluation.problem("broken1")
    assert problem.kind == ERROR
    assert problem.message == f"broken1 (typo) failed: {expected_words(_broken_forward, np.float64(0.5))}"
    assert "shape" not in problem.message
    assert evaluation.value("broken1") is None
    assert evaluation.problem("tanh1").kind == BLOCKED
    assert not evaluation.ok
    assert evaluation.output_cause() == problem.message


def test_a_value_error_over_shapes_that_combine_is_an_error_too() -> None:
    evaluation = chain(registry_with_broken_ops(), "picky", value=np.ones(3)).evaluation()
    problem = evaluation.problem("broken1")
    assert problem.kind == ERROR
    assert problem.message == "broken1 (picky) failed: ValueError: this op only takes values from 0 to 1"


def test_shapes_that_do_not_broadcast_are_still_a_shape_problem() -> None:
    document = GraphDocument()
    document.add_node("input", node_id="a", value=[1.0, 2.0])
    document.add_node("input", node_id="b", value=[1.0, 2.0, 3.0])
    document.add_node("add", node_id="s")
    document.add_edge("a", "s", 0)
    document.add_edge("b", "s", 1)
    problem = document.evaluation().problem("s")
    assert problem.kind == FAILED
    assert problem.message.startswith("s (add) cannot combine shapes 2 and 3: ")


def test_an_op_that_raises_in_backward_is_a_problem_on_the_node() -> None:
    document = chain(registry_with_broken_ops(), "twin")
    evaluation = document.evaluation()  # must not raise
    words = expected_words(_broken_vjp, ONE, ONE, (np.float64(0.5),), np.float64(0.5), 0)
    problem = evaluation.problem("broken1")
    assert problem.kind == ERROR
    assert problem.message == f"broken1 (twin) failed to pass the gradient back to its input x: {words}"
    # Forward went through; no gradient is claimed once a step of the chain rule is missing.
    assert evaluation.value("tanh1") == pytest.approx(np.tanh(0.5), rel=1e-15)
    assert not evaluation.ok and evaluation.output_cause() == problem.message
    assert all(evaluation.grad(node) is None for node in ("x", "broken1", "tanh1"))
    assert all(isinstance(step, ForwardStep) for step in evaluation.trace.steps)
    assert len(evaluation.trace) == 3


def test_a_broken_op_stays_in_its_own_registry() -> None:
    registry_with_broken_ops()
    assert "typo" not in OPS and "typo" not in GraphDocument().registry

