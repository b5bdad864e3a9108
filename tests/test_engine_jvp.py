"""Every op's per-port contract, forward: the Jacobian-vector products of its ports,
summed, equal the central finite difference of the forward along the same random
direction, on scalars and broadcast arrays; each port's product has the output's
shape; and each port's VJP is the adjoint of its JVP."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS, REFERENCE, STEP, as_value
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_engine_ops import BROADCAST_PAIRS, DOMAINS, ELEMENTWISE, SHAPES, matmul_shapes

from engine.ops import OPS, Op

DIRECTION = st.floats(-1.0, 1.0)
RTOL = 1e-7
ATOL = 1e-9


def directional_difference(op: str, args: Sequence[np.ndarray], directions: Sequence[np.ndarray]) -> np.ndarray:
    """d/dε forward(args + ε·directions) at ε = 0, by the 5-point central difference."""
    def at(epsilon: float) -> np.ndarray:
        return np.asarray(REFERENCE[op](*[a + epsilon * d for a, d in zip(args, directions)]), dtype=np.float64)
    return (at(-2 * STEP) - 8 * at(-STEP) + 8 * at(STEP) - at(2 * STEP)) / (12 * STEP)


def port_jvps(spec: Op, values: tuple, tangents: Sequence) -> list:
    out = spec.forward(*values)
    return [port.jvp(port.local(values, out), tangent, values, out)
            for port, tangent in zip(spec.ports, tangents)]


def check_jvp(op: str, args: list[np.ndarray], directions: list[np.ndarray]) -> None:
    spec = OPS[op]
    values = tuple(as_value(a) for a in args)
    tangents = [as_value(d) for d in directions]
    out = spec.forward(*values)
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        jvps = port_jvps(spec, values, tangents)
    what = f"{op}, shapes {[np.shape(v) for v in values]}"
    for port, jvp in enumerate(jvps):
        assert np.shape(jvp) == np.shape(out), f"{what}: port {port}'s tangent has shape {np.shape(jvp)}"
        # Along one port alone, the product is that port's column of the Jacobian.
        alone = [d if p == port else np.zeros_like(d) for p, d in enumerate(directions)]
        np.testing.assert_allclose(jvp, directional_difference(op, args, alone), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{what}: port {port}")
    np.testing.assert_allclose(sum(jvps), directional_difference(op, args, directions), rtol=RTOL, atol=ATOL,
                               err_msg=what)

    # ⟨ḡ, J·ṫ⟩ = ⟨Jᵀ·ḡ, ṫ⟩: the port's two products are one Jacobian, read both ways.
    upstream = as_value(np.linspace(-1.0, 1.0, np.size(out)).reshape(np.shape(out)))
    for port, (spec_port, tangent, jvp) in enumerate(zip(spec.ports, tangents, jvps)):
        vjp = spec_port.vjp(spec_port.local(values, out), upstream, values, out, port)
        assert np.shape(vjp) == np.shape(values[port]), f"{what}: port {port}'s gradient shape"
        np.testing.assert_allclose(np.sum(upstream * jvp), np.sum(vjp * tangent), rtol=1e-12, atol=1e-12,
                                   err_msg=f"{what}: port {port} adjoint")


def _draw(data: st.DataObject, op: str, shapes: Sequence[tuple[int, ...]]) -> tuple[list, list]:
    args = [data.draw(hnp.arrays(np.float64, shape, elements=domain), label=f"port {port}")
            for port, (shape, domain) in enumerate(zip(shapes, DOMAINS[op]))]
    directions = [data.draw(hnp.arrays(np.float64, shape, elements=DIRECTION), label=f"direction {port}")
                  for port, shape in enumerate(shapes)]
    return args, directions


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_jvp_on_scalars(op: str, data: st.DataObject) -> None:
    check_jvp(op, *_draw(data, op, [()] * OPS[op].arity))


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_jvp_on_broadcast_arrays(op: str, data: st.DataObject) -> None:
    if OPS[op].arity == 1:
        shapes = [data.draw(SHAPES, label="shape")]
    else:
        shapes = list(data.draw(BROADCAST_PAIRS, label="shapes").input_shapes)
    check_jvp(op, *_draw(data, op, shapes))


@ENGINE_SETTINGS
@given(shapes=matmul_shapes(), data=st.data())
def test_matmul_jvp(shapes: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject) -> None:
    check_jvp("matmul", *_draw(data, "matmul", shapes))


@pytest.mark.parametrize("op", [op.name for op in OPS if not op.is_leaf])
def test_every_port_writes_both_products(op: str) -> None:
    for port in OPS[op].ports:
        assert "{grad}" in port.vjp_text and "{tangent}" in port.jvp_text
