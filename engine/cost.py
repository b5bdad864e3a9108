"""What the full gradient costs in each mode, counted from the traces.

For f: Rⁿ → Rᵐ forward mode needs one tangent pass per input entry (n), reverse mode
one backward pass per output entry (m), each after the forward pass's values. An
operation here is one entry of one computed thing: each entry of a node's value
(forward pass), of a wire's contribution `upstream · local` (backward pass), or of
a port's tangent term `local · ṫ` where the seed reaches that port (tangent pass):
one multiply-add each (a matmul entry is counted once, not once per term).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.evaluate import Evaluation
from engine.steps import BackwardStep, ForwardStep, TangentStep
from engine.trace import Trace, build_tangent_trace


@dataclass(frozen=True)
class ModeCost:
    passes: int
    operations: int


@dataclass(frozen=True)
class GradientCost:
    inputs: int
    """Entries of all input nodes (n)."""
    outputs: int
    """Entries of the output (m)."""
    reverse: ModeCost
    forward: ModeCost

    def text(self) -> str:
        """`5 inputs → 1 output: reverse mode 1 pass (N ops), forward mode 5 passes (M ops)`."""
        return (f"{_count(self.inputs, 'input')} → {_count(self.outputs, 'output')}: "
                f"reverse mode {_count(self.reverse.passes, 'pass')} ({self.reverse.operations} ops), "
                f"forward mode {_count(self.forward.passes, 'pass')} ({self.forward.operations} ops)")


def _count(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("s") else "s")
    return f"{n} {word if n == 1 else plural}"


def forward_operations(trace: Trace) -> int:
    """The forward pass: one operation per entry of each computed (non-leaf) node."""
    return sum(int(np.size(step.value)) for step in trace.steps
               if isinstance(step, ForwardStep) and not step.op.is_leaf)


def backward_operations(trace: Trace) -> int:
    """One backward pass: one multiply-add per entry of each wire's contribution."""
    return sum(int(np.size(step.contribution)) for step in trace.steps if isinstance(step, BackwardStep))


def tangent_operations(trace: Trace) -> int:
    """One tangent pass: one multiply-add per entry per port the seed reaches."""
    return sum(sum(step.reached) * int(np.size(step.tangent)) for step in trace.steps
               if isinstance(step, TangentStep) and not step.op.is_leaf)


def gradient_cost(evaluation: Evaluation) -> GradientCost:
    """Both modes' passes and operations for every input's gradient of the output
    (the evaluation must have an output value)."""
    plan, values = evaluation.plan, evaluation.values
    reverse = evaluation.trace
    forward_ops = forward_operations(reverse)
    outputs = int(np.size(evaluation.value(evaluation.output))) if evaluation.output is not None else 0
    inputs, forward_total = 0, 0
    for i in plan.order:
        if plan.ops[i].name != "input" or values[i] is None:
            continue
        size = int(np.size(values[i]))
        # Every entry of this input seeds a pass alike: the same steps, the same count.
        per_pass = forward_ops + tangent_operations(build_tangent_trace(evaluation, plan.ids[i]))
        inputs += size
        forward_total += size * per_pass
    return GradientCost(inputs, outputs, ModeCost(outputs, forward_ops + outputs * backward_operations(reverse)),
                        ModeCost(inputs, forward_total))
