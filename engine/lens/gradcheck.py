"""Gradient check: each gradient against central finite differences, in float64.

For every `input` node the output depends on, and for each element of its value,
the sum of the output is evaluated with that element moved by +h and by −h:
numeric = (f(x+h) − f(x−h)) / 2h. Only the nodes between the input and the
output are recomputed (the input's "cone", from the compiled plan, in its
topological order), so a check costs two short forward runs per element.

The error of an element is |grad − numeric| / max(|grad|, |numeric|, floor), where
floor = 1e-6 · max(1, |Σ output|): a gradient a million times smaller than the
output is compared absolutely, since round-off in Σ output is all a difference
quotient can see there. Each element is tried at a few step sizes (the first one
that agrees is kept): a right gradient agrees at some h, a wrong one at none.

Kinks are warned, not failed: where relu or abs sees exactly 0, or max/min see a
tie, on the way from an input to the output, the derivative is one-sided and the
numeric one is the average of both sides (relu at 0: ½, our gradient 0). An input
that disagrees with such a kink on its way gets a warning instead of a failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.evaluate import Evaluation
from engine.values import Value

TOLERANCE = 1e-5
"""Above this relative error a gradient fails the check (central differences in
float64 agree to about 1e-9 on smooth functions)."""
STEPS = (1e-6, 1e-4, 1e-8, 1e-3)
"""Step sizes tried, relative to max(1, |x|), in order, until one agrees."""
FLOOR = 1e-6
"""Relative to max(1, |Σ output|): below this, gradients are compared absolutely."""

OK = "ok"
KINK = "kink"
FAIL = "fail"

_KINKED_AT_ZERO = frozenset({"relu", "abs"})
_KINKED_AT_TIE = frozenset({"max", "min"})


@dataclass
class InputCheck:
    """One input's gradient against its finite differences."""

    node_id: str
    name: str
    grad: Value
    numeric: Value
    """Same shape as `grad`."""
    rel_error: float
    """The largest element's relative error (nan when a number is not finite)."""
    kinks: list[str] = field(default_factory=list)
    """Names of the nodes at a kink between this input and the output."""

    @property
    def status(self) -> str:
        """`ok`; `kink` when it disagrees with a kink on the way (a warning: there the
        derivative is one-sided); `fail` when it disagrees otherwise."""
        if self.rel_error <= TOLERANCE:
            return OK
        return KINK if self.kinks else FAIL

    def summary(self) -> str:
        """One line for a tooltip or a status bar."""
        from engine.values import format_value

        head = {OK: "✓ gradient agrees with finite differences",
                KINK: "⚠ at a kink (" + ", ".join(self.kinks) + "): the derivative is one-sided there",
                FAIL: "✗ gradient disagrees with finite differences"}[self.status]
        return (f"{head}\n{self.name}: gradient {format_value(self.grad)}, numeric {format_value(self.numeric)}, "
                f"relative error {_error_text(self.rel_error)}")


def _error_text(error: float) -> str:
    return "nan" if math.isnan(error) else f"{error:.1e}"


@dataclass
class GradientCheck:
    """Every input's check, by node id, in the plan's order."""

    inputs: dict[str, InputCheck]

    @property
    def max_rel_error(self) -> float:
        errors = [check.rel_error for check in self.inputs.values()]
        if any(math.isnan(e) for e in errors):
            return math.nan
        return max(errors, default=0.0)

    @property
    def ok(self) -> bool:
        """No input fails (inputs at a kink are warned, not failed)."""
        return all(check.status != FAIL for check in self.inputs.values())

    def failed(self) -> list[InputCheck]:
        return [check for check in self.inputs.values() if check.status == FAIL]

    def to_json(self) -> dict[str, object]:
        """The report's top-level `"check"`: `{"max_rel_error": E, "ok": …, "kinks": [ids]}`,
        `kinks` the inputs warned rather than failed."""
        return {"max_rel_error": self.max_rel_error, "ok": self.ok,
                "kinks": [node_id for node_id, check in self.inputs.items() if check.status == KINK]}


def check_gradients(evaluation: Evaluation) -> GradientCheck:
    """Check every input the output depends on; an evaluation without an output
    value (see Evaluation.ok) has nothing to check."""
    if not evaluation.ok:
        return GradientCheck({})
    with np.errstate(all="ignore"):
        return _Checker(evaluation).run()


class _Checker:
    def __init__(self, evaluation: Evaluation) -> None:
        plan = self.plan = evaluation.plan
        self.evaluation = evaluation
        self.scratch: list[Value | None] = list(evaluation.values)
        """Values the cone runs write into; put back after each input."""
        count = len(plan)
        self.successors: list[list[int]] = [[] for _ in range(count)]
        for target, srcs in enumerate(plan.sources):
            for source in set(srcs):
                if source >= 0:
                    self.successors[source].append(target)
        self.position = [0] * count
        for k, i in enumerate(plan.order):
            self.position[i] = k
        self.feeds_output = self._ancestors_of_output()
        self.f0 = float(np.sum(evaluation.values[plan.output]))
        self.floor = FLOOR * max(1.0, abs(self.f0)) if math.isfinite(self.f0) else FLOOR

    def _ancestors_of_output(self) -> list[bool]:
        plan = self.plan
        seen = [False] * len(plan)
        seen[plan.output] = True
        stack = [plan.output]
        while stack:  # no recursion: graphs may be 100,000 deep
            for source in plan.sources[stack.pop()]:
                if source >= 0 and not seen[source]:
                    seen[source] = True
                    stack.append(source)
        return seen

    def run(self) -> GradientCheck:
        plan, evaluation = self.plan, self.evaluation
        checks: dict[str, InputCheck] = {}
        for i in plan.order:
            if plan.ops[i].name != "input" or not self.feeds_output[i]:
                continue
            grad = evaluation.grads[i]
            if grad is None or evaluation.values[i] is None:
                continue
            cone = self._cone(i)
            numeric, error = self._numeric(i, cone, grad)
            checks[plan.ids[i]] = InputCheck(plan.ids[i], plan.names[i], grad, numeric, error, self._kinks(cone))
        return GradientCheck(checks)

    def _cone(self, start: int) -> list[int]:
        """The nodes between `start` and the output, in topological order."""
        seen = {start}
        stack = [start]
        while stack:
            for target in self.successors[stack.pop()]:
                if target not in seen and self.feeds_output[target]:
                    seen.add(target)
                    stack.append(target)
        seen.discard(start)
        return sorted(seen, key=self.position.__getitem__)

    def _kinks(self, cone: list[int]) -> list[str]:
        plan, values = self.plan, self.evaluation.values
        found = []
        for j in cone:
            name, srcs = plan.ops[j].name, plan.sources[j]
            if name in _KINKED_AT_ZERO:
                kinked = np.any(np.asarray(values[srcs[0]]) == 0.0)
            elif name in _KINKED_AT_TIE:
                a, b = np.asarray(values[srcs[0]]), np.asarray(values[srcs[1]])
                kinked = np.any(np.abs(a - b) <= 1e-12 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b))))
            else:
                continue
            if kinked:
                found.append(plan.names[j])
        return found

    def _total(self, i: int, x: Value, cone: list[int]) -> float:
        """Σ output with input i holding x (only the cone recomputed)."""
        values, plan = self.scratch, self.plan
        values[i] = x
        try:
            for j in cone:
                srcs = plan.sources[j]
                forward = plan.ops[j].forward
                if len(srcs) == 2:
                    values[j] = forward(values[srcs[0]], values[srcs[1]])
                else:
                    values[j] = forward(*[values[s] for s in srcs])
        except Exception:  # an op that raises at x ± h (a custom op's domain): no number there
            return math.nan
        return float(np.sum(values[plan.output]))

    def _numeric(self, i: int, cone: list[int], grad: Value) -> tuple[Value, float]:
        """The numeric gradient of input i, element by element, and the worst element's error."""
        original = self.evaluation.values[i]
        wanted = np.broadcast_to(np.asarray(grad, dtype=np.float64), np.shape(original)).ravel()
        numeric = np.empty(wanted.size)
        errors = np.empty(wanted.size)
        for k in range(wanted.size):
            numeric[k], errors[k] = self._element(i, cone, original, k, float(wanted[k]))
        self.scratch[i] = original
        for j in cone:  # put the cone back: other inputs' cones read these values
            self.scratch[j] = self.evaluation.values[j]
        worst = math.nan if np.isnan(errors).any() else float(errors.max())
        if isinstance(original, np.ndarray):
            return numeric.reshape(original.shape), worst
        return np.float64(numeric[0]), worst

    def _element(self, i: int, cone: list[int], original: Value, k: int, analytic: float) -> tuple[float, float]:
        x = float(original.flat[k]) if isinstance(original, np.ndarray) else float(original)
        best: tuple[float, float] | None = None
        for relative in STEPS:
            up, down = x + relative * max(1.0, abs(x)), x - relative * max(1.0, abs(x))
            width = up - down  # the step as float64 holds it, not as written
            f_up = self._total(i, _moved(original, k, up), cone)
            f_down = self._total(i, _moved(original, k, down), cone)
            numeric = (f_up - f_down) / width
            error = relative_error(analytic, numeric, self.floor)
            if best is None or error < best[1] or math.isnan(best[1]):
                best = (numeric, error)
            if error <= TOLERANCE:
                break
        assert best is not None
        return best


def _moved(original: Value, k: int, x: float) -> Value:
    if isinstance(original, np.ndarray):
        moved = original.copy()
        moved.flat[k] = x
        return moved
    return np.float64(x)


def relative_error(analytic: float, numeric: float, floor: float = FLOOR) -> float:
    """|a − n| / max(|a|, |n|, floor); 0 when both are the same infinity; nan otherwise
    when either is not finite."""
    if analytic == numeric:
        return 0.0
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return math.nan
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)


def report_with_check(evaluation: Evaluation, check: GradientCheck, tangents: list[Value | None] | None = None) -> str:
    """`main.py eval --check`'s JSON: the usual report (engine.report), each checked input
    with `"numeric_grad"` after its `"grad"`, and `"check"` beside `"output"`."""
    import json

    from engine.report import report_pieces
    from engine.values import value_to_json

    report = json.loads("".join(report_pieces(evaluation, tangents=tangents)))
    nodes = report["nodes"]
    for node_id, input_check in check.inputs.items():
        nodes[node_id]["numeric_grad"] = value_to_json(input_check.numeric)
    return json.dumps({"output": report["output"], "check": check.to_json(), "nodes": nodes})
