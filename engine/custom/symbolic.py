"""A custom operation's formula as a sympy expression, its derivatives, their text in our
notation, and their numbers from numpy.

The sympy expression is built here node by node from the parsed tree (engine.expression),
never from text: `sympify` and `parse_expr` run `eval`, and a formula is a user's text.
Numbers are computed by walking the sympy tree with numpy (no code is generated).
This module imports sympy; engine.custom.definitions imports it only for documents with custom ops.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import sympy as sp

from engine.custom.postfix import CALL, NUMBER, PORT, Postfix
from engine.expression.program import Call, Expr, ExpressionError, Literal, Name, postorder
from engine.expression.program import fold as fold_tree
from engine.values import Value

SMALL_INTEGER = 1000
"""Whole numbers up to this size stay exact (`2·x`, not `2.0·x`); larger ones are floats,
so a formula like `(1 + x)**100000` is never expanded into exact big-integer arithmetic."""

SIMPLIFY_LIMIT = 60
"""Derivatives with more operations than this are shown as differentiated."""

_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh,
    "sqrt": sp.sqrt, "abs": sp.Abs,
}
_ARITHMETIC: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a,
    "square": lambda a: a ** 2, "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
    "relu": lambda a: sp.Max(a, 0), "max": sp.Max, "min": sp.Min,
}
BUILDERS: dict[str, Callable[..., Any]] = {**_FUNCTIONS, **_ARITHMETIC}
"""Every built-in elementwise op, as the sympy expression it computes."""


def symbol(port: str) -> sp.Symbol:
    """A port as a real-valued variable (so |x|′ is sign(x), not a complex expression)."""
    return sp.Symbol(port, real=True)


def number(value: float) -> sp.Expr:
    if value.is_integer() and abs(value) <= SMALL_INTEGER:
        return sp.Integer(int(value))
    return sp.Float(value)


def to_sympy(expr: Expr, ports: Sequence[str], inline: Mapping[str, tuple[Sequence[str], sp.Expr]],
             fold: Callable[[str, list[float]], float]) -> sp.Expr:
    """The parsed formula as a sympy expression. `inline`: each custom op it may call, with
    its ports and expression (a call is that expression with the arguments put in);
    `fold(op, numbers)`: the float value of a built-in op on numbers, so that a constant
    part (`10**10**10`) is one float, never an exact integer sympy would grow without end."""
    symbols = {port: symbol(port) for port in ports}

    def leaf(node: Literal | Name) -> sp.Expr:
        if isinstance(node, Name):
            return symbols[node.name]
        if not isinstance(node.value, float):
            raise ExpressionError(node.place, "a formula may use numbers, not lists of numbers")
        return number(node.value)

    return fold_tree(expr, leaf, lambda node, args: _call(node, args, inline, fold))


def _call(node: Call, args: list[sp.Expr], inline: Mapping[str, tuple[Sequence[str], sp.Expr]],
          fold: Callable[[str, list[float]], float]) -> sp.Expr:
    if node.op in inline:
        ports, body = inline[node.op]
        return body.xreplace({symbol(port): arg for port, arg in zip(ports, args)})
    if all(isinstance(arg, sp.Number) for arg in args):
        value = fold(node.op, [float(arg) for arg in args])
        if not math.isfinite(value):
            raise ExpressionError(node.place, f"this part of the formula is the number {value}, "
                                              "which is not finite")
        return number(value)
    return BUILDERS[node.op](*args)


def functions_in(expression: sp.Expr) -> set[type]:
    return {type(f) for f in expression.atoms(sp.Function)}


def derive(expression: sp.Expr, port: str) -> sp.Expr:
    """∂expression/∂port, simplified: the shortest of the plain derivative and what sympy's
    `together`, `factor_terms` and `powsimp` make of it, among the forms that bring in no
    function the plain one lacks. (sympy's `simplify` would write 1 − tanh(x)² as
    1/cosh(x)², which teaches less, and can take minutes on a small formula: the dialog
    derives as the user types.)"""
    plain = sp.diff(expression, symbol(port))
    if sp.count_ops(plain) > SIMPLIFY_LIMIT:
        return plain
    functions = functions_in(plain)
    best, best_size = plain, (sp.count_ops(plain), len(str(plain)))
    for simplify in (sp.together, sp.factor_terms, sp.powsimp, lambda e: sp.powsimp(sp.together(e))):
        candidate = simplify(plain)
        size = (sp.count_ops(candidate), len(str(candidate)))
        if size < best_size and functions_in(candidate) <= functions:
            best, best_size = candidate, size
    return best


# ------------------------------------------------------------------------- numbers
_NUMPY: dict[type, Callable[..., Any]] = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.tanh: np.tanh, sp.cosh: np.cosh, sp.sinh: np.sinh, sp.Abs: np.abs, sp.sign: np.sign,
}


class NotComputable(Exception):
    """A sympy expression with a piece the numpy walk does not know (a bug, or a form
    simplify chose that we have no numpy for); the caller refuses the formula."""


def check_computable(expression: sp.Expr) -> None:
    """Raise NotComputable if `numbers` could not compute `expression`."""
    for node in sp.preorder_traversal(expression):
        if isinstance(node, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul, sp.Pow,
                             sp.Heaviside, sp.Max, sp.Min)):
            continue
        if type(node) not in _NUMPY:
            raise NotComputable(f"{type(node).__name__} has no numpy equivalent here")
        if len(node.args) != 1:
            raise NotComputable(f"{type(node).__name__} with {len(node.args)} arguments")
    if expression.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise NotComputable("an infinite or undefined constant")


class Numeric(Postfix):
    """An expression compiled once into a postfix list of numpy steps, then computed per
    call without recursion and with numpy's warnings off: nan and inf flow through, as
    the built-in ops let them. Raises NotComputable at compile time for a piece it lacks."""

    def __init__(self, expression: sp.Expr, ports: Sequence[str]) -> None:
        check_computable(expression)
        index = {port: i for i, port in enumerate(ports)}
        super().__init__([
            (PORT, index[node.name], 0) if isinstance(node, sp.Symbol)
            else (NUMBER, np.float64(float(node)), 0) if isinstance(node, (sp.Number, sp.NumberSymbol))
            else (CALL, partial(_apply, node), len(node.args))
            for node in postorder(expression, lambda node: node.args)])

    def __call__(self, args: Sequence[Value]) -> Value:
        with np.errstate(all="ignore"):
            result = self.run(args)
        return result[()] if isinstance(result, np.ndarray) and result.ndim == 0 else result


def _apply(node: sp.Expr, *args: Any) -> Any:
    if isinstance(node, sp.Add):
        total = args[0]
        for arg in args[1:]:
            total = total + arg
        return total
    if isinstance(node, sp.Mul):
        product = args[0]
        for arg in args[1:]:
            product = product * arg
        return product
    if isinstance(node, sp.Pow):
        exponent = node.exp
        if exponent == -1:
            return 1.0 / args[0]
        if exponent == sp.Rational(1, 2):
            return np.sqrt(args[0])
        if exponent == 2:
            return args[0] * args[0]
        return np.power(args[0], args[1])
    if isinstance(node, sp.Heaviside):
        # [arg > 0]: 0 where the argument is 0, as relu's built-in derivative.
        return np.heaviside(args[0], 0.0)
    if isinstance(node, sp.Max):
        return _fold(np.maximum, args)
    if isinstance(node, sp.Min):
        return _fold(np.minimum, args)
    return _NUMPY[type(node)](args[0])


def _fold(function: Callable[[Any, Any], Any], args: Sequence[Any]) -> Any:
    result = args[0]
    for arg in args[1:]:
        result = function(result, arg)
    return result

