"""Every op in the registry, on scalars and on broadcast arrays: the value against a
numpy reference, the gradient of every input against central finite differences,
and the gradient's shape against the input's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS, REFERENCE, as_value, assert_gradient_close, finite_difference, op_document
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine.evaluate import FAILED
from engine.ops import OPS
from engine.trace import BackwardStep

ANY = st.floats(-3.0, 3.0)
POSITIVE = st.floats(0.3, 3.0)
AWAY_FROM_ZERO = st.floats(0.2, 3.0) | st.floats(-3.0, -0.2)
# max/min tie-break at equal entries; drawing a and b from interleaved grids keeps
# every pair at least 0.25 apart, far beyond the finite-difference stencil.
GRID_A = st.sampled_from([k * 0.5 for k in range(-4, 5)])
GRID_B = st.sampled_from([k * 0.5 + 0.25 for k in range(-4, 4)])

DOMAINS = {
    "add": (ANY, ANY),
    "sub": (ANY, ANY),
    "mul": (ANY, ANY),
    "div": (ANY, st.floats(0.5, 3.0) | st.floats(-3.0, -0.5)),
    "pow": (st.floats(0.5, 2.5), st.floats(-2.0, 2.0)),
    "neg": (ANY,),
    "square": (ANY,),
    "sqrt": (POSITIVE,),
    "abs": (AWAY_FROM_ZERO,),
    "exp": (st.floats(-2.0, 2.0),),
    "log": (POSITIVE,),
    "sin": (ANY,),
    "cos": (ANY,),
    "tanh": (ANY,),
    "sigmoid": (ANY,),
    "relu": (AWAY_FROM_ZERO,),
    "max": (GRID_A, GRID_B),
    "min": (GRID_A, GRID_B),
    "sum": (ANY,),
    "mean": (ANY,),
    "matmul": (ANY, ANY),
    "mse": (ANY, ANY),
}
"""Per op, per port: values away from each op's domain edges and kinks."""

COMPUTED = [op.name for op in OPS if not op.is_leaf]
ELEMENTWISE = [name for name in COMPUTED if name != "matmul"]
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
BROADCAST_PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


def check_op(op: str, args: list[np.ndarray]) -> None:
    values = [as_value(a) for a in args]
    document = op_document(op, values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluation = document.evaluation()
        trace = evaluation.trace
        texts = [(step.text(), step.label()) for step in trace.steps]
    assert evaluation.ok, evaluation.output_problem
    assert not evaluation.problems

    expected = REFERENCE[op](*[np.asarray(v) for v in values])
    out = evaluation.value("out")
    assert np.shape(out) == np.shape(expected)
    assert isinstance(out, np.ndarray) == (np.ndim(expected) > 0), "a scalar result should be np.float64"
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert np.array_equal(evaluation.grad("out"), np.ones(np.shape(expected)))

    def total(xs: list[np.ndarray]) -> float:
        return float(np.sum(REFERENCE[op](*xs)))

    for port in range(len(values)):
        assert_gradient_close(evaluation.grad(f"in{port}"), finite_difference(total, values, port),
                              f"{op} port {port}, shapes {[np.shape(v) for v in values]}")
    backward = [step for step in trace.steps if isinstance(step, BackwardStep)]
    assert [step.port for step in backward] == list(range(len(values)))
    assert all(text and label for text, label in texts)


def test_every_op_has_a_domain_and_a_reference() -> None:
    assert set(DOMAINS) == set(COMPUTED) == set(REFERENCE)
    for name in COMPUTED:
        assert len(DOMAINS[name]) == OPS[name].arity


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_gradient_on_scalars(op: str, data: st.DataObject) -> None:
    args = [data.draw(hnp.arrays(np.float64, (), elements=domain), label=f"port {port}")
            for port, domain in enumerate(DOMAINS[op])]
    check_op(op, args)


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_gradient_on_broadcast_arrays(op: str, data: st.DataObject) -> None:
    if OPS[op].arity == 1:
        shapes = [data.draw(SHAPES, label="shape")]
    else:
        shapes = list(data.draw(BROADCAST_PAIRS, label="shapes").input_shapes)
    args = [data.draw(hnp.arrays(np.float64, shape, elements=domain), label=f"port {port}")
            for port, (shape, domain) in enumerate(zip(shapes, DOMAINS[op]))]
    check_op(op, args)


@st.composite
def matmul_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Any pairing of 1-D and 2-D operands, sometimes with a batch axis on one side."""
    n, k, m = (draw(st.integers(1, 3), label=axis) for axis in "nkm")
    left = draw(st.sampled_from([(k,), (n, k)]))
    right = draw(st.sampled_from([(k,), (k, m)]))
    batch = draw(st.sampled_from(["none", "left", "right"]))
    if batch == "left" and len(left) == 2:
        left = (2, *left)
    if batch == "right" and len(right) == 2:
        right = (2, *right)
    return left, right


@ENGINE_SETTINGS
@given(shapes=matmul_shapes(), data=st.data())
def test_matmul_gradient(shapes: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject) -> None:
    args = [data.draw(hnp.arrays(np.float64, shape, elements=ANY)) for shape in shapes]
    check_op("matmul", args)


@pytest.mark.parametrize(("left", "right"), [((), (2,)), ((2,), ()), ((2, 3), (2, 3)), ((3,), (2,))])
def test_matmul_of_unfit_shapes_is_a_problem_on_the_node(left: tuple[int, ...], right: tuple[int, ...]) -> None:
    document = op_document("matmul", [as_value(np.ones(left)), as_value(np.ones(right))])
    evaluation = document.evaluation()
    assert not evaluation.ok
    assert evaluation.problem("out").kind == FAILED
    assert "out" in evaluation.problem("out").message
    assert evaluation.value("out") is None


def test_pow_at_a_zero_base_has_a_zero_exponent_gradient() -> None:
    # a^b·ln a is 0·(−inf) at a = 0; the limit for b > 0 is 0, as PyTorch has it.
    evaluation = op_document("pow", [0.0, 2.0]).evaluation()
    assert evaluation.value("out") == 0.0
    assert evaluation.grad("in0") == 0.0
    assert evaluation.grad("in1") == 0.0


@pytest.mark.parametrize(("op", "args", "grads"), [
    ("relu", [-1.0], [0.0]),
    ("relu", [2.0], [1.0]),
    ("abs", [-2.0], [-1.0]),
    ("max", [1.0, 3.0], [0.0, 1.0]),
    ("max", [3.0, 1.0], [1.0, 0.0]),
    ("min", [1.0, 3.0], [1.0, 0.0]),
    ("max", [2.0, 2.0], [1.0, 0.0]),
    ("min", [2.0, 2.0], [1.0, 0.0]),
])
def test_routing_ops_send_the_gradient_to_the_winner(op: str, args: list[float], grads: list[float]) -> None:
    evaluation = op_document(op, args).evaluation()
    assert [evaluation.grad(f"in{port}") for port in range(len(args))] == grads


@pytest.mark.parametrize("op", COMPUTED)
def test_every_port_has_a_derivative_text(op: str) -> None:
    spec = OPS[op]
    for port in range(spec.arity):
        text = spec.derivative_text(port)
        wrt = spec.port_names[port]
        # `∂(a × b)/∂a = b`; matmul, whose local derivative is not one number per entry: `∂L/∂a = …`.
        assert text.startswith(f"∂L/∂{wrt} = " if op == "matmul" else "∂") and f"/∂{wrt} = " in text
    assert spec.tooltip().startswith(f"{op}: ")


def test_matmul_of_two_vectors_is_a_scalar_with_vector_gradients() -> None:
    # Used to raise numpy's AxisError in backward: the upstream gradient is a scalar.
    evaluation = op_document("matmul", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).evaluation()
    assert evaluation.value("out") == 32.0
    assert evaluation.grad("in0").tolist() == [4.0, 5.0, 6.0]
    assert evaluation.grad("in1").tolist() == [1.0, 2.0, 3.0]
