"""`def NAME(P): return EXPR` in a program: the custom operation it defines
(engine.custom.definitions), with its formula written back as text for the file."""

from __future__ import annotations

import numpy as np

from engine.custom.definitions import CustomOp, OpDefinitionError, OpFormula, with_custom_ops
from engine.expression.program import Call, Definition, Expr, ExpressionError, Literal, Name, fold
from engine.expression.writer import ATOM, INFIX, POWER, UNARY, format_value
from engine.ops import OpRegistry


def formula_text(expr: Expr) -> str:
    """The expression as the language writes it, brackets only where they are needed."""
    return fold(expr, _leaf_text, _written)[0]


def _leaf_text(node: Literal | Name) -> tuple[str, int]:
    if isinstance(node, Name):
        return node.name, ATOM
    text = format_value(node.value if isinstance(node.value, float) else np.array(node.value))
    return text, UNARY if text.startswith("-") else ATOM


def _written(node: Call, args: list[tuple[str, int]]) -> tuple[str, int]:
    if node.op in INFIX and len(args) == 2:
        symbol, strength = INFIX[node.op]
        (left, left_strength), (right, right_strength) = args
        left = f"({left})" if left_strength < strength else left
        right = f"({right})" if right_strength <= strength else right
        return f"{left} {symbol} {right}", strength
    if node.op == "pow" and len(args) == 2:
        (left, left_strength), (right, right_strength) = args
        left = f"({left})" if left_strength <= POWER else left
        right = f"({right})" if right_strength < UNARY else right
        return f"{left} ** {right}", POWER
    if node.op == "neg" and len(args) == 1:
        text, strength = args[0]
        return (f"-({text})" if strength < UNARY or text.startswith("-") else f"-{text}"), UNARY
    return f"{node.op}({', '.join(text for text, _ in args)})", ATOM


def define(definition: Definition, registry: OpRegistry) -> tuple[OpFormula | None, OpRegistry]:
    """The operation a `def` defines and the registry with it added (None and the same
    registry when the registry has that very op already); raises ExpressionError at the
    `def` for a refused definition."""
    existing = registry.get(definition.name)
    if isinstance(existing, CustomOp) and existing.parsed == definition.body \
            and existing.port_names == definition.params:
        return None, registry
    formula = OpFormula(definition.name, definition.params, formula_text(definition.body))
    try:
        return formula, with_custom_ops(registry, [formula])
    except OpDefinitionError as error:
        raise ExpressionError(definition.place, str(error)) from None
