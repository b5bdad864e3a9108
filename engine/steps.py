"""The steps of a trace and how each one reads: the Wengert row (`text`), the label
beside its node or wire (`label`) and the caption under the canvas (`caption`), all
written from the op's own templates (engine.ops) through engine.notation.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from engine.notation import dot, factor, fill, is_number, number, subscript, summed, term
from engine.ops import TIMES_TEXT, Op
from engine.plan import Edge
from engine.values import Value, format_number, format_value, is_array, shape_of


class Phase(str, Enum):
    """Which pass a step belongs to. A `str`, so it reads and writes as its word
    (`forward`, in position texts, `--stage` and JSON) and compares equal to it."""

    FORWARD = "forward"
    BACKWARD = "backward"
    TANGENT = "tangent"
    """Forward mode: each node's tangent, seeded at one input (engine.tangent)."""

    def __str__(self) -> str:
        return self.value


LABEL_PREVIEW = 1
"""Entries of an array a wire label prints (three make it too wide for a wire); the
caption and the trace rows print the first three."""


def _v(number: int) -> str:
    return f"v{number}"


def _vbar(number: int) -> str:
    return f"v̄{number}"


def _vdot(number: int) -> str:
    return f"v̇{number}"


def struck(text: str) -> str:
    """`1̶`: text struck through (a combining long stroke after each character), for the
    gradient bug mode throws away."""
    return "".join(ch + "\u0336" for ch in text)


BUG_NOTE = "bug: overwrite at fan-out"


def sum_text(parts: tuple[Value, ...], preview: int = 3, total: Value | None = None) -> str:
    """`1 + 3 + (-2)`: the contributions that reach a node at fan-out. Scalar parts
    are printed to the decimals the total shows, so the sum reads true: with cancelling
    parts, 4 significant digits each would say `(-1) + 1.13 = 0.1305`."""
    decimals = _decimals_shown(total)
    if decimals is None or any(isinstance(part, np.ndarray) for part in parts):
        return " + ".join(number(part, preview) for part in parts)
    return " + ".join(factor(_to_decimals(float(part), decimals)) for part in parts)


def _decimals_shown(total: Value | None) -> int | None:
    """How many decimals a scalar total shows in fixed notation, or None."""
    if total is None or isinstance(total, np.ndarray) or not math.isfinite(float(total)):
        return None
    text = format_number(float(total))
    if "e" in text:
        return None
    return len(text.split(".")[1]) if "." in text else 0


def _to_decimals(part: float, decimals: int) -> str:
    if not math.isfinite(part) or part == 0.0:
        return format_number(part)
    magnitude = math.floor(math.log10(abs(part))) + 1
    # Never fewer than the usual 4 significant digits, never more than float64 holds.
    return format_number(part, min(15, max(4, magnitude + decimals)))


@dataclass(frozen=True)
class ForwardStep:
    """A node computes its value from the values arriving on its input wires."""

    node: str
    name: str
    number: int
    op: Op
    in_edges: tuple[Edge, ...]
    source_names: tuple[str, ...]
    source_numbers: tuple[int, ...]
    inputs: tuple[Value, ...]
    value: Value
    phase: Phase = field(default=Phase.FORWARD, init=False)

    def text(self) -> str:
        """Wengert form: `v4 = v1 × v3 = -3.74`."""
        if self.op.is_leaf:
            return f"{_v(self.number)} = {self.name} = {format_value(self.value)}"
        names = dict(zip(self.op.port_names, map(_v, self.source_numbers)))
        return f"{_v(self.number)} = {fill(self.op.forward_text, names)} = {format_value(self.value)}"

    def label(self) -> str:
        """With names: `d = a × s = -3.74`."""
        if self.op.is_leaf:
            return f"{self.name} = {format_value(self.value)}"
        formula = fill(self.op.forward_text, dict(zip(self.op.port_names, self.source_names)))
        return f"{self.name} = {formula} = {format_value(self.value)}"

    def caption(self) -> str:
        """The whole step in one line, for a caption under the canvas."""
        return self.label()


@dataclass(frozen=True)
class SeedStep:
    """Backward starts: the output's gradient is ones of its shape."""

    node: str
    name: str
    number: int
    value: Value
    phase: Phase = field(default=Phase.BACKWARD, init=False)

    def text(self) -> str:
        ones = "ones" if is_array(self.value) else "1"
        return f"{_vbar(self.number)} = {ones}  (seed: ∂{term(self.name)}/∂{term(self.name)})"

    def label(self) -> str:
        """`∂o/∂o = 1`."""
        return f"∂{term(self.name)}/∂{term(self.name)} = {format_value(self.value)}"

    def caption(self) -> str:
        return self.label()


@dataclass(frozen=True)
class BackwardStep:
    """One wire carries a gradient back: upstream gradient · local derivative = contribution."""

    edge: Edge
    source: str
    target: str
    source_name: str
    target_name: str
    source_number: int
    target_number: int
    port: int
    op: Op
    operand_names: tuple[str, ...]
    operand_numbers: tuple[int, ...]
    local: Value
    upstream: Value
    contribution: Value
    accumulated: Value
    arrival: int
    """1 for the first contribution to reach the source, 2 for the second, ..."""
    arrivals: int
    """How many contributions reach the source in all (more than 1 at fan-out)."""
    output_name: str = "L"
    """The name of what is differentiated (the graph's output), for `∂o/∂x = …`."""
    operands: tuple[Value, ...] = ()
    """The values on the target's input ports (matmul's chain rule prints them)."""
    overwrite: bool = False
    """Bug mode: the source's gradient is set to this contribution, not added to."""
    replaced: Value | None = None
    """Bug mode: the gradient an earlier arrival left, which this one throws away."""
    phase: Phase = field(default=Phase.BACKWARD, init=False)

    @property
    def assign(self) -> str:
        """`=` when this is the only gradient the source receives; `+=` at fan-out, where
        the source's gradient is the running sum of what has arrived so far (bug mode
        writes `=` there too: that is the bug)."""
        return "+=" if self.arrivals > 1 and not self.overwrite else "="

    def _bug_text(self, short: bool = False) -> str:
        """`  (bug: overwrites 1̶, the earlier arrival; the rule adds: +=)`, or nothing;
        `short`, for the label beside the wire: `  (bug: overwrites 1̶)`."""
        if self.replaced is None:
            return ""
        lost = struck(format_value(self.replaced, preview=LABEL_PREVIEW if short else 3))
        return f"  (bug: overwrites {lost})" if short else \
            f"  (bug: overwrites {lost}, the earlier arrival; the rule adds: +=)"

    @property
    def summed(self) -> bool:
        """True when numpy broadcast the source into the op, so the contribution is the
        product summed back to the source's shape."""
        if not self.op.ports[self.port].elementwise:
            return False
        try:
            product = np.broadcast_shapes(shape_of(self.local), shape_of(self.upstream))
        except ValueError:
            return False
        return product != shape_of(self.contribution)

    def _subscripts(self) -> dict[str, int]:
        """A node in two ports of the op is two variables of its formula: x*x is x₁·x₂."""
        repeated = {n for n, count in Counter(self.operand_numbers).items() if count > 1}
        seen: Counter[int] = Counter()
        subscripts: dict[str, int] = {}
        for port, n in zip(self.op.port_names, self.operand_numbers):
            if n in repeated:
                seen[n] += 1
                subscripts[port] = seen[n]
        return subscripts

    def _formula_names(self) -> dict[str, str]:
        names = dict(zip(self.op.port_names, self.operand_names))
        names["out"] = self.target_name
        return names

    def _wrt(self) -> str:
        """The source as the variable of the local derivative: `x2`, or `x₁` in x*x."""
        index = self._subscripts().get(self.op.port_names[self.port])
        return subscript(self.source_name, index) if index else term(self.source_name)

    def derivative(self) -> str:
        """`∂d/∂a = s`: the local derivative named after the nodes."""
        spec = self.op.ports[self.port]
        body = fill(spec.derivative, self._formula_names(), subscripts=self._subscripts())
        return f"∂{term(self.target_name)}/∂{self._wrt()} = {body}"

    def text(self) -> str:
        """Wengert form: `v̄1 = v̄4 · v3 = -1.7`, `v̄1 += v̄3 · (1 − v3²) = 2.359` at fan-out."""
        spec = self.op.ports[self.port]
        operands = dict(zip(self.op.port_names, map(_v, self.operand_numbers)))
        operands["out"] = _v(self.target_number)
        derivative = factor(fill(spec.derivative, operands))
        chain = fill(spec.vjp_text, operands, grad=_vbar(self.target_number), derivative=derivative)
        if self.summed:
            chain = summed(chain, self.contribution)
        text = f"{_vbar(self.source_number)} {self.assign} {chain} = {format_value(self.contribution)}"
        if self.arrival > 1 and not self.overwrite:
            text += f"  ({_vbar(self.source_number)} now {format_value(self.accumulated)})"
        return text + self._bug_text()

    def equation(self, preview: int = 3) -> str:
        """The chain rule for the wire as a textbook writes it, with the output's name:
        `∂o/∂x2 = ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 0.5 · w2 = 0.5 · 1 = 0.5`; matmul in its
        own form, `∂L/∂W = Xᵀ @ ∂L/∂(X@W) = …`. Arrays print their shape and first
        `preview` entries."""
        spec = self.op.ports[self.port]
        output, target = term(self.output_name), term(self.target_name)
        upstream_symbol = f"∂{output}/∂{target}"
        upstream = number(self.upstream, preview)
        if spec.elementwise:
            names = self._formula_names()
            formula = fill(spec.derivative, names, subscripts=self._subscripts())
            stages = [fill(TIMES_TEXT, names, grad=upstream_symbol, derivative=f"∂{target}/∂{self._wrt()}")]
            if not is_number(formula):
                stages.append(f"{upstream} · {factor(formula)}")
            stages.append(f"{upstream} · {number(self.local, preview)}")
            if self.summed:
                stages = [summed(stage, self.contribution) for stage in stages]
        else:
            values = {port: number(value, preview) for port, value in zip(self.op.port_names, self.operands)}
            stages = [fill(spec.vjp_text, self._formula_names(), grad=upstream_symbol),
                      fill(spec.vjp_text, values, wrap=factor, grad=factor(upstream))]
        result = format_value(self.contribution, preview=preview)
        return f"∂{output}/∂{term(self.source_name)} {self.assign} {' = '.join(stages)} = {result}"

    def label(self) -> str:
        """The wire's label: the equation, arrays shortened to their first entry."""
        return self.equation(LABEL_PREVIEW) + self._bug_text(short=True)

    def caption(self) -> str:
        return self.equation() + self._bug_text()


@dataclass(frozen=True)
class AccumulateStep:
    """A node that feeds several wires sums the gradients they brought back."""

    node: str
    name: str
    number: int
    edges: tuple[Edge, ...]
    contributions: tuple[Value, ...]
    total: Value
    output_name: str = "L"
    """The name of what is differentiated (the output), for `∂o/∂x = …`."""
    overwrite: bool = False
    """Bug mode: `total` is the last arrival alone; the contributions were not summed."""
    phase: Phase = field(default=Phase.BACKWARD, init=False)

    def _lost(self, preview: int = 3) -> str:
        """Bug mode: what the node keeps and what the rule would have given."""
        rule = sum(self.contributions[1:], self.contributions[0])
        parts = sum_text(self.contributions, preview, rule)
        return (f"{format_value(self.total, preview=preview)}, the last arrival only ({BUG_NOTE}; "
                f"the rule sums them: {parts} = {format_value(rule, preview=preview)})")

    def text(self) -> str:
        """`v̄1 = 1 + 3 + 3 = 7`."""
        if self.overwrite:
            return f"{_vbar(self.number)} = {self._lost()}"
        parts = sum_text(self.contributions, total=self.total)
        return f"{_vbar(self.number)} = {parts} = {format_value(self.total)}"

    def label(self, preview: int = 3) -> str:
        """`∂f/∂x = 1 + 3 + 3 = 7`: the node's gradient is the sum of what its wires brought."""
        if self.overwrite:
            return f"∂{term(self.output_name)}/∂{term(self.name)} = {self._lost(preview)}"
        parts = sum_text(self.contributions, preview, self.total)
        return f"∂{term(self.output_name)}/∂{term(self.name)} = {parts} = {format_value(self.total, preview=preview)}"

    def caption(self) -> str:
        return self.label()


def _join(terms: list[str]) -> str:
    """Terms of a sum: `ȧ + ḃ`, and `ȧ − ḃ` where a term is negated (never `+ −ḃ`)."""
    text = terms[0]
    for part in terms[1:]:
        text += f" − {part[1:]}" if part.startswith("−") else f" + {part}"
    return text


@dataclass(frozen=True)
class TangentStep:
    """Forward mode: a node's tangent from its ports' tangents, `Σ local · ṫ` (each port's
    Jacobian-vector product, engine.ops), seeded at one input. Ports the seed does not
    reach bring a zero (a structural zero: never `inf · 0`)."""

    node: str
    name: str
    number: int
    op: Op
    in_edges: tuple[Edge, ...]
    source_names: tuple[str, ...]
    source_numbers: tuple[int, ...]
    operands: tuple[Value, ...]
    value: Value
    locals: tuple[Value, ...]
    """Per port: the local derivative (the number on the edge)."""
    source_tangents: tuple[Value, ...]
    """Per port: the tangent arriving on it (zeros where the seed does not reach)."""
    shares: tuple[Value, ...]
    """Per port: its share of this node's tangent, in the node's shape."""
    reached: tuple[bool, ...]
    """Per port: True where the seed reaches the port's source."""
    tangent: Value
    seed_name: str
    seeded: bool = False
    """True for the seed itself (an input: its tangent is ones)."""
    phase: Phase = field(default=Phase.TANGENT, init=False)

    def _terms(self, operands: dict[str, str], tangents: list[str]) -> list[str]:
        """Each port's product with `operands` named as given (`v2`, `w2`)."""
        return [fill(spec.jvp_text, operands, tangent=tangent, derivative=factor(fill(spec.derivative, operands)))
                for spec, tangent in zip(self.op.ports, tangents)]

    def _numbers(self, preview: int) -> list[str]:
        """Each port's product with numbers: `1 · 0`, `([2×3] …) @ ([3] 1, 1, 1)`."""
        terms = []
        for port, spec in enumerate(self.op.ports):
            local = self.locals[port]
            if not self.reached[port] and not np.all(np.isfinite(local)):
                terms.append("0")  # a zero tangent is a structural zero: no inf · 0 here
                continue
            values = {p: number(v, preview) for p, v in zip(self.op.port_names, self.operands)}
            values["out"] = number(self.value, preview)
            terms.append(fill(spec.jvp_text, values, wrap=factor, tangent=number(self.source_tangents[port], preview),
                              derivative=number(local, preview)))
        return terms

    def _leaf_text(self, head: str, preview: int) -> str:
        text = f"{head} = {format_value(self.tangent, preview=preview)}"
        if self.seeded:
            text += f"  (seed: ∂{term(self.name)}/∂{term(self.name)})"
        return text

    def text(self) -> str:
        """Wengert form: `v̇5 = v4 · v̇3 + v3 · v̇4 = 2`."""
        if self.op.is_leaf:
            return self._leaf_text(_vdot(self.number), 3)
        operands = dict(zip(self.op.port_names, map(_v, self.source_numbers)))
        operands["out"] = _v(self.number)
        chain = _join(self._terms(operands, [_vdot(n) for n in self.source_numbers]))
        return f"{_vdot(self.number)} = {chain} = {format_value(self.tangent)}"

    def equation(self, preview: int = 3) -> str:
        """With names: `ṅ = w2 · ẋ2 + x2 · ẇ2 = 1 · 0 + 0 · 1 = 0`."""
        if self.op.is_leaf:
            return self._leaf_text(dot(self.name), preview)
        operands = dict(zip(self.op.port_names, self.source_names))
        operands["out"] = self.name
        symbolic = _join(self._terms(operands, [dot(n) for n in self.source_names]))
        numeric = _join(self._numbers(preview))
        return f"{dot(self.name)} = {symbolic} = {numeric} = {format_value(self.tangent, preview=preview)}"

    def label(self) -> str:
        """The node's label: the equation, arrays shortened to their first entry."""
        return self.equation(LABEL_PREVIEW)

    def caption(self) -> str:
        """The equation, and what the tangents are derivatives along."""
        return self.equation() if self.seeded else f"{self.equation()}   (tangents seeded at {self.seed_name})"


Step = ForwardStep | SeedStep | BackwardStep | AccumulateStep | TangentStep
