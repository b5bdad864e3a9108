"""The operation table: each op defined once (ports, forward, local derivatives, texts).

Each port states its contract with the rest of the engine:
- `local(args, out)`: the number on the edge, ∂out/∂port, and `derivative` its text;
- its vector-Jacobian product `vjp(local, ḡ, args, out, port)`, the gradient it passes
  back in the port's own shape (default `unbroadcast(local · ḡ)`), and `vjp_text`;
- its Jacobian-vector product `jvp(local, ṫ, args, out)`, its share of the output's
  tangent in the output's shape (default `local · ṫ`, broadcast forward), and `jvp_text`.
Only the ops whose products are not elementwise override them (matmul, the reductions,
mse; add, sub and neg skip a multiplication by ±1). Texts are templates whose `{names}`
are port names or `out`, with `{grad}`, `{tangent}` and `{derivative}` given.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy import ndarray

from engine.notation import factor, fill
from engine.shapes import ShapeRule, loss, matmul, reduction
from engine.values import Value, shape_of, unbroadcast

Args = tuple[Value, ...]
LocalFn = Callable[[Args, Value], Value]
VjpFn = Callable[[Value, Value, Args, Value, int], Value]
"""(local, ḡ, args, out, port) → ∂L/∂args[port]: the gradient passed back, in that port's shape."""
JvpFn = Callable[[Value, Value, Args, Value], Value]
"""(local, ṫ, args, out) → this port's share of the output's tangent, in the output's shape."""

ONE = np.float64(1.0)
MINUS_ONE = np.float64(-1.0)
ZERO = np.float64(0.0)


def _to_port(contribution: Value, args: Args, port: int) -> Value:
    """Summed back to the port's shape where numpy broadcast it (only where an array is involved)."""
    arg = args[port]
    if type(contribution) is ndarray or type(arg) is ndarray:
        return unbroadcast(contribution, shape_of(arg))
    return contribution


def _to_out(tangent: Value, out: Value) -> Value:
    """Broadcast forward to the output's shape (a port's own tangent may be smaller)."""
    if type(out) is ndarray and (type(tangent) is not ndarray or tangent.shape != out.shape):
        return np.broadcast_to(tangent, out.shape).astype(np.float64)
    return tangent


# The three VJPs below run once per port of every node in backward: the check of
# _to_port is spelled out in each rather than called (a call per port is a tenth
# of backward's time on graphs of scalars).

def vjp_times(local: Value, upstream: Value, args: Args, out: Value, port: int) -> Value:
    """The default VJP: `unbroadcast(local · ḡ)`."""
    contribution = local * upstream
    arg = args[port]
    if type(contribution) is ndarray or type(arg) is ndarray:
        return unbroadcast(contribution, shape_of(arg))
    return contribution


def jvp_times(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    """The default JVP: `local · ṫ`, broadcast forward."""
    return _to_out(local * tangent, out)


def _vjp_pass_through(local: Value, upstream: Value, args: Args, out: Value, port: int) -> Value:
    arg = args[port]
    if type(upstream) is ndarray or type(arg) is ndarray:
        return unbroadcast(upstream, shape_of(arg))
    return upstream


def _vjp_negated(local: Value, upstream: Value, args: Args, out: Value, port: int) -> Value:
    contribution = -upstream
    arg = args[port]
    if type(contribution) is ndarray or type(arg) is ndarray:
        return unbroadcast(contribution, shape_of(arg))
    return contribution


def _jvp_pass_through(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    return _to_out(tangent, out)


def _jvp_negated(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    return _to_out(-tangent, out)


def _indicator(condition: Any) -> Value:
    if isinstance(condition, np.ndarray):
        return condition.astype(np.float64)
    return ONE if condition else ZERO


TIMES_TEXT = "{grad} · {derivative}"
"""The chain rule of an elementwise port: upstream gradient times local derivative."""
TANGENT_TEXT = "{derivative} · {tangent}"
"""Forward mode through an elementwise port: local derivative times the port's tangent."""


@dataclass(frozen=True)
class PortSpec:
    """One input of an op and how derivatives flow through it, backward and forward."""

    name: str
    derivative: str
    local: LocalFn
    vjp: VjpFn = vjp_times
    vjp_text: str = TIMES_TEXT
    """The Wengert row's chain rule; add and sub shorten `v̄ · 1` to `v̄`."""
    jvp: JvpFn = jvp_times
    jvp_text: str = TANGENT_TEXT
    """The tangent's formula, as `vjp_text` is the gradient's: `{derivative} · {tangent}`."""
    elementwise: bool = True
    """The contribution is `upstream · local`, entry by entry (broadcasting). Matmul's is
    not: its chain-rule text is `vjp_text` everywhere, never a `·`."""


@dataclass(frozen=True)
class Op:
    """An operation: what it computes and how its gradient flows back."""

    name: str
    symbol: str
    group: str
    summary: str
    forward_text: str
    forward: Callable[..., Value] | None
    ports: tuple[PortSpec, ...] = ()
    out_text: str = ""
    """How the output reads in `derivative_text`; by default the forward text (`tanh(x)`)."""
    gets_gradient: bool = True
    shape_rule: ShapeRule | None = None
    """The output's shape from the ports' (engine.shapes); None: elementwise, broadcasting."""
    port_names: tuple[str, ...] = field(init=False)
    arity: int = field(init=False)
    """How many input ports (a plain field: loading a file reads it once per node)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "port_names", tuple(p.name for p in self.ports))
        object.__setattr__(self, "arity", len(self.ports))

    @property
    def is_leaf(self) -> bool:
        return self.forward is None

    def derivative_text(self, port: int) -> str:
        """The local derivative in the op's own terms: `∂(a × b)/∂a = b`,
        `∂tanh(x)/∂x = 1 − tanh(x)²`; matmul's as the gradient it passes back,
        `∂L/∂a = ∂L/∂(a @ b) @ bᵀ` for any output L."""
        names = {name: name for name in self.port_names}
        out = self.out_text or fill(self.forward_text, names)
        spec, wrt = self.ports[port], self.port_names[port]
        if not spec.elementwise:
            return f"∂L/∂{wrt} = {fill(spec.vjp_text, names, grad=f'∂L/∂{factor(out)}')}"
        names["out"] = out
        return f"∂{factor(out)}/∂{wrt} = {fill(spec.derivative, names, wrap=factor)}"

    def tooltip(self) -> str:
        lines = [f"{self.name}: {self.summary}"]
        lines += [self.derivative_text(i) for i in range(self.arity)]
        return "\n".join(lines)


class OpRegistry:
    """Ops by name; accepts new entries at run time (custom ops come later)."""

    def __init__(self) -> None:
        self._ops: dict[str, Op] = {}

    def register(self, op: Op) -> Op:
        if op.name in self._ops:
            raise ValueError(f"an op named '{op.name}' is already registered")
        self._ops[op.name] = op
        return op

    def get(self, name: str) -> Op | None:
        return self._ops.get(name)

    def __getitem__(self, name: str) -> Op:
        return self._ops[name]

    def __contains__(self, name: object) -> bool:
        return name in self._ops

    def __iter__(self) -> Iterator[Op]:
        return iter(self._ops.values())

    def names(self) -> list[str]:
        return list(self._ops)

    def copy(self) -> OpRegistry:
        """A registry of its own with the same ops (ops are immutable and shared): what a
        document gets, so ops added to one document never show up in another."""
        duplicate = copy.copy(self)
        duplicate._ops = dict(self._ops)
        return duplicate

    def groups(self) -> dict[str, list[Op]]:
        grouped: dict[str, list[Op]] = {}
        for op in self._ops.values():
            grouped.setdefault(op.group, []).append(op)
        return grouped


OPS = OpRegistry()

INPUTS = "Inputs"
ARITHMETIC = "Arithmetic"
FUNCTIONS = "Functions"
REDUCTIONS = "Reductions"
LINEAR_ALGEBRA = "Linear algebra"
LOSSES = "Losses"


def _leaf(name: str, symbol: str, summary: str, gets_gradient: bool) -> None:
    OPS.register(Op(name, symbol, INPUTS, summary, "{value}", None, gets_gradient=gets_gradient))


_leaf("input", "in", "a value you set; it receives a gradient", True)
_leaf("constant", "const", "a fixed value; it receives no gradient", False)


def _binary(name: str, symbol: str, group: str, summary: str, forward_text: str,
            forward: Callable[..., Value], a: PortSpec, b: PortSpec, out_text: str = "",
            shape_rule: ShapeRule | None = None) -> None:
    OPS.register(Op(name, symbol, group, summary, forward_text, forward, (a, b), out_text,
                    shape_rule=shape_rule))


def _unary(name: str, symbol: str, summary: str, forward_text: str, forward: Callable[..., Value],
           derivative: str, local: LocalFn, out_text: str = "", group: str = FUNCTIONS,
           shape_rule: ShapeRule | None = None, **contract: Any) -> None:
    """`contract`: the port's vjp, vjp_text, jvp and jvp_text where they are not the defaults."""
    port = PortSpec("x", derivative, local, **contract)
    OPS.register(Op(name, symbol, group, summary, forward_text, forward, (port,), out_text,
                    shape_rule=shape_rule))


def _passing(name: str) -> PortSpec:
    """A port whose local derivative is 1: gradient and tangent pass through unchanged."""
    return PortSpec(name, "1", lambda args, out: ONE, _vjp_pass_through, "{grad}", _jvp_pass_through, "{tangent}")


def _negating(name: str) -> PortSpec:
    """A port whose local derivative is −1: gradient and tangent pass through negated."""
    return PortSpec(name, "−1", lambda args, out: MINUS_ONE, _vjp_negated, "−{grad}", _jvp_negated, "−{tangent}")


# Forwards are Python's operators wherever they do what numpy's ufunc does (they
# broadcast arrays the same way): on np.float64 scalars a ufunc call costs ten
# times as much, and graphs of scalars are the common case.
_binary("add", "+", ARITHMETIC, "a + b", "{a} + {b}", operator.add, _passing("a"), _passing("b"))
_binary("sub", "−", ARITHMETIC, "a − b", "{a} − {b}", operator.sub, _passing("a"), _negating("b"))
_binary("mul", "×", ARITHMETIC, "a · b", "{a} × {b}", operator.mul,
        PortSpec("a", "{b}", lambda args, out: args[1]),
        PortSpec("b", "{a}", lambda args, out: args[0]))
_binary("div", "÷", ARITHMETIC, "a / b", "{a} / {b}", operator.truediv,
        PortSpec("a", "1/{b}", lambda args, out: 1.0 / args[1]),
        PortSpec("b", "−{a}/{b}²", lambda args, out: -args[0] / (args[1] * args[1])))


def _pow_local_exponent(args: tuple[Value, ...], out: Value) -> Value:
    base, exponent = args
    # a^b·ln a is 0·(−inf) at a = 0; the limit (and PyTorch) gives 0 there for b ≥ 0.
    return np.where((base == 0) & (exponent >= 0), 0.0, out * np.log(base))[()]


_binary("pow", "^", ARITHMETIC, "base ^ exponent", "{base}^{exponent}", np.power,
        PortSpec("base", "{exponent}·{base}^({exponent}−1)",
                 lambda args, out: args[1] * np.power(args[0], args[1] - 1.0)),
        PortSpec("exponent", "{out}·ln {base}", _pow_local_exponent))
_unary("neg", "−x", "−x", "−{x}", operator.neg, "−1", lambda args, out: MINUS_ONE, group=ARITHMETIC,
       vjp=_vjp_negated, vjp_text="−{grad}", jvp=_jvp_negated, jvp_text="−{tangent}")
_unary("square", "x²", "x²", "{x}²", lambda x: x * x, "2·{x}", lambda args, out: 2.0 * args[0],
       group=ARITHMETIC)
_unary("sqrt", "√", "√x", "√{x}", np.sqrt, "1/(2·√{x})", lambda args, out: 0.5 / out)
_unary("abs", "|x|", "|x|", "|{x}|", np.abs, "sign({x})", lambda args, out: np.sign(args[0]))
_unary("exp", "exp", "eˣ", "exp({x})", np.exp, "exp({x})", lambda args, out: out)
_unary("log", "log", "ln x (natural logarithm)", "log({x})", np.log, "1/{x}",
       lambda args, out: 1.0 / args[0])
_unary("sin", "sin", "sin x", "sin({x})", np.sin, "cos({x})", lambda args, out: np.cos(args[0]))
_unary("cos", "cos", "cos x", "cos({x})", np.cos, "−sin({x})", lambda args, out: -np.sin(args[0]))
_unary("tanh", "tanh", "tanh x", "tanh({x})", np.tanh, "1 − {out}²",
       lambda args, out: 1.0 - out * out)


def _sigmoid(x: Value) -> Value:
    return 1.0 / (1.0 + np.exp(-x))


_unary("sigmoid", "σ", "1 / (1 + e⁻ˣ)", "σ({x})", _sigmoid, "{out}·(1 − {out})",
       lambda args, out: out * (1.0 - out))
def _relu(x: Value) -> Value:
    if isinstance(x, np.ndarray):
        return np.maximum(x, 0.0)
    # As np.maximum does: nan stays nan.
    return x if x > 0 or x != x else ZERO


_unary("relu", "ReLU", "max(x, 0)", "relu({x})", _relu, "[{x} > 0]",
       lambda args, out: _indicator(args[0] > 0))
_binary("max", "max", FUNCTIONS, "the larger of a and b", "max({a}, {b})", np.maximum,
        PortSpec("a", "[{a} ≥ {b}]", lambda args, out: _indicator(args[0] >= args[1])),
        PortSpec("b", "[{b} > {a}]", lambda args, out: _indicator(args[1] > args[0])))
_binary("min", "min", FUNCTIONS, "the smaller of a and b", "min({a}, {b})", np.minimum,
        PortSpec("a", "[{a} ≤ {b}]", lambda args, out: _indicator(args[0] <= args[1])),
        PortSpec("b", "[{b} < {a}]", lambda args, out: _indicator(args[1] < args[0])))


def _ones(args: tuple[Value, ...], out: Value) -> Value:
    x = args[0]
    return np.ones(x.shape) if isinstance(x, np.ndarray) else ONE


def _ones_over_n(args: tuple[Value, ...], out: Value) -> Value:
    x = args[0]
    return np.full(x.shape, 1.0 / x.size) if isinstance(x, np.ndarray) else ONE


def _jvp_sum(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    return np.sum(tangent)


def _jvp_mean(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    # The tangent is the input's shape (it is the input's own); its mean is Σ ṫ / n.
    return np.mean(tangent)


_unary("sum", "Σ", "the sum of all entries", "Σ {x}", np.sum, "1", _ones, group=REDUCTIONS,
       shape_rule=reduction, jvp=_jvp_sum, jvp_text="Σ {tangent}")
_unary("mean", "mean", "the mean of all entries", "mean({x})", np.mean, "1/n", _ones_over_n,
       group=REDUCTIONS, shape_rule=reduction, jvp=_jvp_mean, jvp_text="mean({tangent})")


def _as_matrices(a: Value, b: Value, upstream: Value) -> tuple[ndarray, ndarray, ndarray]:
    """a and b as matrices, and the upstream gradient with the axes numpy dropped from
    the product of a 1-D operand put back (a vector is a row on the left and a column
    on the right): for vector @ vector the upstream gradient is a scalar."""
    a_2d = a[np.newaxis, :] if a.ndim == 1 else a
    b_2d = b[:, np.newaxis] if b.ndim == 1 else b
    g = np.asarray(upstream)
    if b.ndim == 1:
        g = g[..., np.newaxis]
    if a.ndim == 1:
        g = g[..., np.newaxis, :]
    return a_2d, b_2d, g


def _vjp_matmul_a(local: Value, upstream: Value, args: Args, out: Value, port: int) -> Value:
    """∂L/∂a = ḡ @ bᵀ, computed alone (port b's gradient is its own product)."""
    a, b = args
    _, b_2d, g = _as_matrices(a, b, upstream)
    grad = g @ np.swapaxes(b_2d, -1, -2)
    return _to_port(grad.squeeze(-2) if a.ndim == 1 else grad, args, port)


def _vjp_matmul_b(local: Value, upstream: Value, args: Args, out: Value, port: int) -> Value:
    """∂L/∂b = aᵀ @ ḡ."""
    a, b = args
    a_2d, _, g = _as_matrices(a, b, upstream)
    grad = np.swapaxes(a_2d, -1, -2) @ g
    return _to_port(grad.squeeze(-1) if b.ndim == 1 else grad, args, port)


def _jvp_matmul_a(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    return _to_out(np.matmul(tangent, args[1]), out)


def _jvp_matmul_b(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    return _to_out(np.matmul(args[0], tangent), out)


_binary("matmul", "@", LINEAR_ALGEBRA, "the matrix product a @ b", "{a} @ {b}", np.matmul,
        PortSpec("a", "{b}ᵀ", lambda args, out: args[1], _vjp_matmul_a, "{grad} @ {b}ᵀ",
                 _jvp_matmul_a, "{tangent} @ {b}", elementwise=False),
        PortSpec("b", "{a}ᵀ", lambda args, out: args[0], _vjp_matmul_b, "{a}ᵀ @ {grad}",
                 _jvp_matmul_b, "{a} @ {tangent}", elementwise=False), shape_rule=matmul)


def _mse(prediction: Value, target: Value) -> Value:
    diff = prediction - target
    return np.mean(diff * diff)


def _mse_local(sign: float) -> LocalFn:
    def local(args: tuple[Value, ...], out: Value) -> Value:
        diff = args[0] - args[1]
        size = diff.size if isinstance(diff, np.ndarray) else 1
        return (sign * 2.0 / size) * diff
    return local


def _jvp_mse(local: Value, tangent: Value, args: Args, out: Value) -> Value:
    """The loss is a scalar: the entries of `local · ṫ` (broadcast together) summed."""
    return np.sum(local * tangent)


_binary("mse", "MSE", LOSSES, "mean((prediction − target)²)", "mse({prediction}, {target})", _mse,
        PortSpec("prediction", "2·({prediction} − {target})/n", _mse_local(1.0),
                 jvp=_jvp_mse, jvp_text="Σ({derivative} · {tangent})"),
        PortSpec("target", "−2·({prediction} − {target})/n", _mse_local(-1.0),
                 jvp=_jvp_mse, jvp_text="Σ({derivative} · {tangent})"), shape_rule=loss)

