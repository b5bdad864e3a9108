"""The numbers the New Operation dialog shows beside a derived derivative: the function
and its derivative along one port (the others held at 1), and the derivative checked
against a central finite difference at a few points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.ops import Op

CHECK_POINTS = (-2.0, -0.5, 0.5, 2.0)
HELD = 1.0
"""The value of the ports not being varied."""
STEP = 1e-5
TOLERANCE = 1e-6


@dataclass(frozen=True)
class PointCheck:
    port: str
    at: float
    derived: float
    difference: float
    """The central finite difference (f(x + h) − f(x − h)) / 2h."""

    @property
    def defined(self) -> bool:
        return bool(np.isfinite(self.derived) and np.isfinite(self.difference))

    @property
    def agrees(self) -> bool:
        return self.defined and abs(self.derived - self.difference) <= TOLERANCE * (1.0 + abs(self.derived))


def _args(op: Op, port: int, values: np.ndarray) -> tuple:
    return tuple(values if i == port else np.full_like(values, HELD) for i in range(op.arity))


def along(op: Op, port: int, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f and ∂f/∂port at `xs`, the other ports held at 1."""
    with np.errstate(all="ignore"):
        args = _args(op, port, xs)
        out = np.asarray(op.forward(*args), dtype=np.float64)
        local = np.asarray(op.ports[port].local(args, out), dtype=np.float64)
    return np.broadcast_to(out, xs.shape), np.broadcast_to(local, xs.shape)


def check(op: Op, points: tuple[float, ...] = CHECK_POINTS) -> list[PointCheck]:
    """Each port's derived derivative and the finite difference at `points`."""
    checks = []
    xs = np.array(points, dtype=np.float64)
    for port, name in enumerate(op.port_names):
        _, derived = along(op, port, xs)
        step = STEP * np.maximum(1.0, np.abs(xs))
        ahead, _ = along(op, port, xs + step)
        behind, _ = along(op, port, xs - step)
        difference = (ahead - behind) / (2.0 * step)
        checks += [PointCheck(name, float(x), float(d), float(f)) for x, d, f in zip(xs, derived, difference)]
    return checks
