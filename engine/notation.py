"""How formulas are written: names as terms, brackets around compound factors, the
op's templates filled in. The op table (tooltips) and the trace (labels, Wengert rows,
captions) both write through here, so a formula reads the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from engine.values import Value, format_shape, format_value, shape_of

_SIMPLE_NAME = re.compile(r"[\w.̄′']+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_OPERATORS = frozenset("+−-·×*/÷^@,=<>≤≥")
_SIGNS = ("−", "-", "+")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def term(name: str) -> str:
    """A name as a term in a formula: `x1*w1` reads as `(x1*w1)` inside `∂/∂…` or `1/…`."""
    return name if _SIMPLE_NAME.fullmatch(name) else f"({name})"


def is_compound(text: str) -> bool:
    """More than one term: a leading sign, or an operator or a space outside brackets.
    `w2`, `cos(v1)`, `[x > 0]`, `(a + b)ᵀ` are single terms; `1 − o²`, `2·x`, `−1` are not."""
    if not text or text.startswith(_SIGNS):
        return bool(text)
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and (char.isspace() or char in _OPERATORS):
            return True
    return False


def factor(text: str) -> str:
    """A formula or a number as a factor of a product: bracketed when it is compound."""
    return f"({text})" if is_compound(text) else text


_LETTER_INDEXED = re.compile(r"[^\W\d_][\d′']*")


def dot(name: str) -> str:
    """A name's tangent (forward mode): a letter with an index gets the dot over it,
    `x2` → `ẋ2` (a combining dot); any other name is followed by one, `loss˙`, and a
    compound name is bracketed first, `(x1*w1)˙`."""
    if _LETTER_INDEXED.fullmatch(name):
        return f"{name[0]}\u0307{name[1:]}"
    return f"{term(name)}˙"


def is_number(text: str) -> bool:
    """A formula that is only a number (`1`, `−1`): showing its value again says nothing new."""
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return False
    return True


def subscript(name: str, index: int) -> str:
    """`x` → `x₁`: one node in two ports of the same op is two variables in its formula."""
    return term(name) + str(index).translate(_SUBSCRIPTS)


def fill(template: str, names: Mapping[str, str], wrap: Callable[[str], str] = term,
         subscripts: Mapping[str, int] | None = None, **given: str) -> str:
    """A template's `{port}` and `{out}` placeholders replaced by `names`, each wrapped as
    a term (a name that is not a plain identifier is bracketed), except where it is a
    function's whole argument: `tanh(n + b)`, not `tanh((n + b))`. A port in `subscripts`
    gets its index (`x₁`). Keyword arguments (`grad`, `derivative`) go in as given."""
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in given:
            return given[key]
        name = names[key]
        if subscripts and key in subscripts:
            return subscript(name, subscripts[key])
        before = template[match.start() - 1: match.start()]
        after = template[match.end(): match.end() + 1]
        if before in ("(", ",") and after in (")", ",") and "," not in name:
            return name
        return wrap(name)
    return _PLACEHOLDER.sub(replace, template)


def number(value: Value, preview: int = 3) -> str:
    """A value as it is printed in a formula: `format_value`, bracketed when it is not one
    term: `0.5 · (-3)`, never `0.5 · -3`; an array's shape and first entries,
    `([4×1] 0.2475, …)`."""
    return factor(format_value(value, preview=preview))


def summed(text: str, result: Value) -> str:
    """A product that numpy broadcast, summed back to the shape of what receives it:
    `Σ(…)` for a scalar, `Σ→[1×3](…)` for an array."""
    shape = shape_of(result)
    body = f"({text})" if is_compound(text) else f" {text}"
    return f"Σ{body}" if not shape else f"Σ→[{format_shape(shape)}]{body}"
