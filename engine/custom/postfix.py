"""A formula compiled once into a postfix list of steps, then computed per call without
recursion: a custom operation's value (from its parsed tree, engine.custom.definitions)
and its derivatives (from sympy trees, engine.custom.symbolic) both run here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PORT, NUMBER, CALL = 0, 1, 2
Step = tuple[int, Any, int]
"""(PORT, the port's index, 0), (NUMBER, the number, 0) or (CALL, a function, how many operands)."""


class Postfix:
    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps

    def run(self, args: Sequence[Any]) -> Any:
        results: list[Any] = []
        for kind, payload, count in self.steps:
            if kind == PORT:
                results.append(args[payload])
            elif kind == NUMBER:
                results.append(payload)
            else:
                operands = results[len(results) - count:]
                del results[len(results) - count:]
                results.append(payload(*operands))
        return results[0]

