"""Training: gradient descent on the graph's parameters (inputs marked trainable).

A step is forward, backward, then an update of every parameter from its gradient
of the output (the loss, summed when it is not a scalar). Per step the cost is all
Python overhead around small numpy calls, so the graph is compiled once into flat
lists of closures over integer indices (engine.training.kernels): a step runs one closure per
node forward and one per wire backward, with no dict, networkx or Plan lookups,
nothing for the nodes the output does not depend on, and no gradient for what no
parameter feeds (the data).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from engine.errors import StudioError
from engine.evaluate import evaluate_plan
from engine.plan import Plan
from engine.training.kernels import backward_kernel, forward_kernel
from engine.training.optimizers import Optimizer, make_optimizer
from engine.values import Value


class TrainingError(StudioError):
    """Training cannot start or cannot go on; the message is one sentence."""


class LossNotFinite(TrainingError):
    """The loss became nan or inf; the parameters are left as they were before that step."""


def trainable_ids(nodes: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """The ids of the input nodes marked `"trainable": true`, in node order."""
    return [node_id for node_id, attrs in nodes if attrs.get("op") == "input" and attrs.get("trainable") is True]


def _total(value: Value) -> float:
    return float(value.sum()) if type(value) is np.ndarray else float(value)


class CompiledGraph:
    """A plan compiled for repeated forward and backward passes with parameters that
    change in place. `values[k]` for a parameter is the trainer's own float64 array (a
    0-d array for a scalar), so an update is seen by the next forward pass."""

    def __init__(self, plan: Plan, parameters: Sequence[str]) -> None:
        evaluation = evaluate_plan(plan)
        if not evaluation.ok:
            raise TrainingError(f"Cannot compute the output: {evaluation.output_cause()}.")
        self.plan = plan
        out = self.output = plan.output
        needed = self._ancestors(out)
        index = plan.index
        self.param_indices = [index[p] for p in parameters if p in index and needed[index[p]]]
        if not self.param_indices:
            if parameters:
                names = ", ".join(plan.names[index[p]] for p in parameters if p in index)
                raise TrainingError(f"the output does not depend on the trainable input{'s' * (len(parameters) > 1)} "
                                    f"{names}, so training cannot change it")
            raise TrainingError("the graph has no trainable input: mark the parameters trainable "
                                "(\"trainable\": true on an input node) before training")
        values: list[Any] = list(evaluation.values)
        self.params: list[np.ndarray] = []
        for k in self.param_indices:
            owned = np.array(values[k], dtype=np.float64)  # a copy the optimiser may change in place
            values[k] = owned
            self.params.append(owned)
        self.values = values
        ops, sources = plan.ops, plan.sources
        self.needed = needed
        self.forward_steps: list[Callable[[list[Any]], None]] = [
            forward_kernel(i, ops[i], sources[i], values) for i in plan.order if needed[i] and not ops[i].is_leaf]
        self.backward_steps = self._backward_steps()
        self.grads: list[Any] = [None] * len(plan)
        seed = values[out]
        self._seed = np.ones(seed.shape) if type(seed) is np.ndarray else np.float64(1.0)

    def _ancestors(self, target: int) -> list[bool]:
        """Which nodes `target`'s value depends on (itself included)."""
        sources = self.plan.sources
        seen = [False] * len(self.plan)
        seen[target] = True
        pending = [target]
        while pending:
            for source in sources[pending.pop()]:
                if source >= 0 and not seen[source]:
                    seen[source] = True
                    pending.append(source)
        return seen

    def _backward_steps(self) -> list[Callable[[list[Any], list[Any]], None]]:
        plan, needed = self.plan, self.needed
        ops, sources = plan.ops, plan.sources
        # Only what a parameter feeds needs a gradient.
        grad_needed = [False] * len(plan)
        for k in self.param_indices:
            grad_needed[k] = True
        for i in plan.order:
            if needed[i] and not ops[i].is_leaf and any(s >= 0 and grad_needed[s] for s in sources[i]):
                grad_needed[i] = True
        steps = []
        assigned = [False] * len(plan)  # the first contribution to a node is stored, later ones added
        for i in reversed(plan.order):
            if not (needed[i] and grad_needed[i]) or ops[i].is_leaf:
                continue
            for port, source in enumerate(sources[i]):
                if grad_needed[source]:
                    steps.append(backward_kernel(i, ops[i], port, sources[i], self.values, assigned[source]))
                    assigned[source] = True
        return steps

    def loss(self) -> float:
        """The output, summed if it is an array, for the parameters as they are now."""
        values = self.values
        for run in self.forward_steps:
            run(values)
        return _total(values[self.output])

    def gradients(self) -> list[Value]:
        """After `loss()`: each parameter's gradient of the loss, in parameter order."""
        values, grads = self.values, self.grads
        grads[self.output] = self._seed
        for run in self.backward_steps:
            run(values, grads)
        return [grads[k] for k in self.param_indices]

    def parameter_values(self) -> dict[str, Value]:
        """Each parameter's value now, as the document holds values (a scalar as
        np.float64), copied: the trainer goes on changing its own."""
        ids = self.plan.ids
        return {ids[k]: (np.float64(p) if p.ndim == 0 else p.copy())
                for k, p in zip(self.param_indices, self.params)}


class Trainer:
    """Steps of gradient descent on a compiled graph with one optimiser."""

    def __init__(self, plan: Plan, parameters: Sequence[str], optimizer: str = "sgd", lr: float = 0.01) -> None:
        self.optimizer: Optimizer = make_optimizer(optimizer, lr)
        self.graph = CompiledGraph(plan, parameters)
        self.steps = 0

    def step(self) -> float:
        """One step; returns the loss before its update. A loss that is nan or inf
        raises LossNotFinite before anything changes."""
        graph = self.graph
        with np.errstate(all="ignore"):
            loss = graph.loss()
            if not math.isfinite(loss):
                raise LossNotFinite(f"the loss became {loss} at step {self.steps + 1}; "
                                    f"try a smaller learning rate")
            self.optimizer.step(graph.params, graph.gradients())
        self.steps += 1
        return loss

    def current_loss(self) -> float:
        with np.errstate(all="ignore"):
            return self.graph.loss()

    def parameter_values(self) -> dict[str, Value]:
        """The parameters now; raises LossNotFinite if one is no longer finite."""
        values = self.graph.parameter_values()
        for node_id, value in values.items():
            if not np.all(np.isfinite(value)):
                raise LossNotFinite(f"the parameter {self.graph.plan.names[self.graph.plan.index[node_id]]} "
                                    f"became nan or inf; try a smaller learning rate")
        return values
