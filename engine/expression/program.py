"""What the parser makes of a text: a small typed program, never anything that runs.

An expression is a `Literal` (a number or a nested list of numbers), a `Name`, or a
`Call` of an operation by its name (the operators are already calls: `a + b` is
`Call("add", (a, b))`, `-a` is `Call("neg", (a,))`). A program is a list of
`Assign` (`NAME = EXPR`) and `Definition` (`def NAME(P, ...): return EXPR`) statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from engine.errors import StudioError

T = TypeVar("T")
N = TypeVar("N")


@dataclass(frozen=True)
class Place:
    """Where a piece of the text is: 1-based line and column (in characters), and where it
    ends (the column just past its last character)."""

    line: int
    column: int
    end_line: int
    end_column: int


NOWHERE = Place(1, 1, 1, 1)


class ExpressionError(StudioError):
    """Text the expression language refuses; `str()` is one sentence that names the line
    and column, `reason` the same sentence without them, `place` where to mark it."""

    def __init__(self, place: Place, reason: str) -> None:
        super().__init__(f"line {place.line}, column {place.column}: {reason}")
        self.place = place
        self.reason = reason

    @property
    def line(self) -> int:
        return self.place.line

    @property
    def column(self) -> int:
        return self.place.column


Number = float | list
"""A literal's value: a float, or a rectangular nested list of floats (checked)."""


@dataclass(frozen=True)
class Literal:
    """A number or a nested list of numbers: an input's value after `NAME =`, a
    constant node anywhere else. (Not hashable when it holds a list.)"""

    value: Number
    place: Place = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Name:
    """A name: the node last assigned to it, or (before any assignment) an input without a value."""

    name: str
    place: Place = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Call:
    """An operation applied to its arguments, in port order. `op` is a name in the op
    registry, or a custom operation defined earlier in the same text."""

    op: str
    args: tuple[Expr, ...]
    place: Place = field(default=NOWHERE, compare=False)


Expr = Literal | Name | Call


@dataclass(frozen=True)
class Assign:
    """`NAME = EXPR`."""

    name: str
    value: Expr
    place: Place = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Definition:
    """`def NAME(P1, P2, ...): return EXPR`: a custom elementwise operation whose body
    uses only its parameters, numbers, and operations known before it."""

    name: str
    params: tuple[str, ...]
    body: Expr
    place: Place = field(default=NOWHERE, compare=False)


Statement = Assign | Definition


@dataclass(frozen=True)
class Program:
    statements: tuple[Statement, ...]

    @property
    def assignments(self) -> list[Assign]:
        return [s for s in self.statements if isinstance(s, Assign)]

    @property
    def definitions(self) -> list[Definition]:
        return [s for s in self.statements if isinstance(s, Definition)]


def walk(expr: Expr) -> Iterator[Expr]:
    """Every sub-expression, parents before children, without recursion (a long chain of
    `+` is as deep as it is long)."""
    pending = [expr]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, Call):
            pending.extend(reversed(node.args))


def postorder(root: N, children: Callable[[N], Sequence[N]]) -> Iterator[N]:
    """Every node of a tree after its children, left to right, without recursion (a long
    chain of `+` is as deep as it is long). Parsed formulas and sympy trees both walk so."""
    stack: list[tuple[bool, N]] = [(False, root)]
    while stack:
        made, node = stack.pop()
        below = children(node)
        if made or not below:
            yield node
        else:
            stack.append((True, node))
            stack.extend((False, child) for child in reversed(below))


def arguments(node: Expr) -> tuple[Expr, ...]:
    return node.args if isinstance(node, Call) else ()


def fold(expr: Expr, leaf: Callable[[Literal | Name], T], call: Callable[[Call, list[T]], T]) -> T:
    """The expression computed bottom-up without recursion: `leaf` gives each literal's
    and name's result, `call` each call's from its arguments' results, in order."""
    results: list[T] = []
    for node in postorder(expr, arguments):
        if isinstance(node, Call):
            count = len(node.args)
            args = results[len(results) - count:]
            del results[len(results) - count:]
            results.append(call(node, args))
        else:
            results.append(leaf(node))
    return results[0]
