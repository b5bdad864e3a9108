"""A sympy expression written in our notation (engine.notation): `exp({x})/(1 + exp({x}))`,
`1 − tanh({x})²`, `{b}·{a}^({b} − 1)`, every compound operand bracketed. Ports appear as
`{port}` placeholders, so the text is an op's derivative template like any built-in's and
`engine.notation.fill` puts the node names in."""

from __future__ import annotations

import sympy as sp

ADD, MUL, POW, ATOM = 1, 2, 3, 4
"""How tightly a piece binds: a piece is bracketed where it binds less than its place needs."""

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_NAMES = {sp.Abs: "abs", sp.Max: "max", sp.Min: "min"}


def formula_text(expression: sp.Expr) -> str:
    return _text(expression)[0]


def _bracket(piece: tuple[str, int], least: int) -> str:
    text, binding = piece
    return f"({text})" if binding < least else text


def _number(value: sp.Number) -> tuple[str, int]:
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        text, binding = f"{abs(value.p)}/{value.q}", MUL
    else:
        number = abs(float(value))
        text = str(int(number)) if number.is_integer() and number < 1e16 else repr(number)
        binding = ATOM
    if value.is_negative:
        return f"−{text}", ADD
    return text, binding


def _text(e: sp.Expr) -> tuple[str, int]:
    if isinstance(e, sp.Symbol):
        return f"{{{e.name}}}", ATOM
    if isinstance(e, sp.Number):
        return _number(e)
    if isinstance(e, sp.NumberSymbol):
        return str(e), ATOM
    if isinstance(e, sp.Add):
        return _sum(e)
    if isinstance(e, sp.Mul):
        return _product(e)
    if isinstance(e, sp.Pow):
        return _power(e)
    if isinstance(e, sp.Abs):
        return f"|{_text(e.args[0])[0]}|", ATOM
    if isinstance(e, sp.Heaviside):
        return f"[{_comparison(e.args[0])}]", ATOM
    name = _NAMES.get(type(e), type(e).__name__.lower())
    return f"{name}({', '.join(_text(arg)[0] for arg in e.args)})", ATOM


def _comparison(argument: sp.Expr) -> str:
    """Heaviside's argument as a comparison: `x − y` reads `x > y`."""
    terms = sp.Add.make_args(argument)
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    negative = [-t for t in terms if t.could_extract_minus_sign()]
    if positive and negative:
        return f"{_text(sp.Add(*positive))[0]} > {_text(sp.Add(*negative))[0]}"
    return f"{_text(argument)[0]} > 0"


def _sum(e: sp.Add) -> tuple[str, int]:
    terms = list(e.as_ordered_terms())
    # A positive number leads (1 + exp(x), 1 − tanh(x)²), a negative one trails (y − 1).
    first = [t for t in terms if t.is_number and not t.could_extract_minus_sign()]
    last = [t for t in terms if t.is_number and t.could_extract_minus_sign()]
    terms = first + [t for t in terms if not t.is_number] + last
    pieces = [_text(terms[0])[0]]
    for term in terms[1:]:
        if term.could_extract_minus_sign():
            pieces.append(f" − {_bracket(_text(-term), MUL)}")
        else:
            pieces.append(f" + {_bracket(_text(term), MUL)}")
    return "".join(pieces), ADD


def _product(e: sp.Mul) -> tuple[str, int]:
    coefficient, factors = e.as_coeff_mul()
    negative = coefficient.is_negative
    coefficient = -coefficient if negative else coefficient
    numerator: list[sp.Expr] = []
    denominator: list[sp.Expr] = []
    if isinstance(coefficient, sp.Rational):
        if coefficient.p != 1:
            numerator.append(sp.Integer(coefficient.p))
        if coefficient.q != 1:
            denominator.append(sp.Integer(coefficient.q))
    elif coefficient != 1:
        numerator.append(coefficient)
    for factor in factors:
        exponent = factor.exp if isinstance(factor, sp.Pow) else None
        if exponent is not None and exponent.is_Number and exponent.is_negative:
            denominator.append(factor.base ** -exponent)
        else:
            numerator.append(factor)
    return _fraction(numerator, denominator, negative)


def _fraction(numerator: list[sp.Expr], denominator: list[sp.Expr], negative: bool) -> tuple[str, int]:
    if len(numerator) == 1 and not denominator:
        text, binding = _text(numerator[0])
    else:
        text = "·".join(_bracket(_text(f), MUL) for f in numerator) or "1"
        if denominator:
            pieces = [_text(f) for f in denominator]
            if len(pieces) == 1:
                below = _bracket(pieces[0], POW)
            else:
                below = "(" + "·".join(_bracket(p, MUL) for p in pieces) + ")"
            text = f"{text}/{below}"
        binding = MUL
    if negative:
        return f"−{_bracket((text, binding), MUL)}", ADD
    return text, binding


def _power(e: sp.Pow) -> tuple[str, int]:
    base, exponent = e.base, e.exp
    if exponent == sp.Rational(1, 2):
        return f"√{_bracket(_text(base), ATOM)}", POW
    if exponent.is_Number and exponent.is_negative:
        return _fraction([], [base ** -exponent], False)
    below = _bracket(_text(base), ATOM)
    if exponent.is_Integer and 1 < exponent < 10:
        return below + str(exponent).translate(_SUPERSCRIPTS), POW
    return f"{below}^{_bracket(_text(exponent), ATOM)}", POW
