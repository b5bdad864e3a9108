"""Explain: one short sentence per backward step naming the pattern a teacher names on
the whiteboard: add distributes the gradient unchanged, mul swaps the inputs, max
routes it to the winner, a fan-out node sums its arrivals; every other op its local
derivative in words ("tanh: times 1 − tanh²"). The words use the graph's own names
and are true of the step's numbers (a relu that blocks says so)."""

from __future__ import annotations

import numpy as np

from engine.notation import fill, term
from engine.steps import AccumulateStep, BackwardStep, SeedStep, Step

_ROUTING = {"max": "larger", "min": "smaller"}


def explain(step: Step) -> str:
    """The sentence for a step; empty for forward and tangent steps."""
    if isinstance(step, SeedStep):
        return f"Backward starts at the output: ∂{term(step.name)}/∂{term(step.name)} = 1."
    if isinstance(step, AccumulateStep):
        count = len(step.contributions)
        head = f"A fan-out node sums its arrivals: {term(step.name)} feeds {count} wires, so its gradient"
        if step.overwrite:
            return f"{head} should be the sum of the {count} gradients; bug mode kept only the last one."
        return f"{head} is the sum of the {count} gradients they bring back."
    if isinstance(step, BackwardStep):
        return _gate(step) + _fan_out(step)
    return ""


def _fan_out(step: BackwardStep) -> str:
    if step.arrivals <= 1:
        return ""
    source = term(step.source_name)
    if step.overwrite:
        done = "overwrites" if step.arrival > 1 else "is assigned to"
        return (f" {source} feeds {step.arrivals} wires: arrival {step.arrival} of {step.arrivals} "
                f"{done} its gradient (the bug: the rule adds).")
    return (f" {source} feeds {step.arrivals} wires: arrival {step.arrival} of {step.arrivals}, "
            f"added to its gradient.")


def _gate(step: BackwardStep) -> str:
    op, port, source = step.op, step.port, term(step.source_name)
    name = op.name
    spec = op.ports[port]
    summed = f", summed back to {source}'s shape" if step.summed else ""
    if name == "add" or (name == "sub" and port == 0):
        return f"{name} distributes the gradient unchanged: {source} gets {term(step.target_name)}'s gradient{summed}."
    if name in ("sub", "neg"):
        return f"{name}: {source} gets {term(step.target_name)}'s gradient negated{summed}."
    if name == "mul":
        other = step.operand_names[1 - port]
        return f"mul swaps the inputs: {source} gets the gradient times the other input, {other}{summed}."
    if name in _ROUTING:
        return _route(step, _ROUTING[name])
    if name == "relu":
        return _relu(step)
    if name == "sum":
        return f"sum: every entry of {source} gets the gradient unchanged."
    if name == "mse":
        count = np.size(np.broadcast_arrays(*step.operands)[0]) if step.operands else 1
        names = dict(zip(op.port_names, step.operand_names))
        return f"mse: times {fill(spec.derivative, names)}, n = {count}."
    if name == "mean":
        count = np.size(step.operands[0]) if step.operands else 1
        return f"mean: every entry of {source} gets the gradient divided by n = {count}."
    names = dict(zip(op.port_names, step.operand_names))
    if not spec.elementwise:
        return f"{name}: {source}'s gradient is {fill(spec.vjp_text, names, grad='ḡ')}, ḡ the gradient of " \
               f"{step.target_name}."
    # The inputs by the graph's names; a function's own value by its symbol, as a textbook
    # writes it ("1 − tanh²", "σ·(1 − σ)"), and x^y in full: "pow·ln x" would read as a name.
    names["out"] = op.symbol if op.arity == 1 else fill(op.forward_text, names)  # fill brackets it
    return f"{name}: times {fill(spec.derivative, names)}{summed}."


def _route(step: BackwardStep, winner: str) -> str:
    name, source = step.op.name, term(step.source_name)
    local = np.asarray(step.local)
    if local.ndim == 0:
        if local == 1.0:
            return f"{name} routes the gradient to the winner: {source} is the {winner}, so it gets all of it."
        return f"{name} routes the gradient to the winner: {source} is not the {winner}, so it gets 0."
    won = int(np.count_nonzero(local))
    return (f"{name} routes the gradient to the winner, entry by entry: {source} is the {winner} in "
            f"{won} of {local.size} entries, and gets their gradient.")


def _relu(step: BackwardStep) -> str:
    source = term(step.source_name)
    local = np.asarray(step.local)
    if local.ndim == 0:
        if local == 1.0:
            return f"relu: times [{source} > 0] = 1: {source} > 0, so the gradient passes."
        return f"relu: times [{source} > 0] = 0: {source} ≤ 0, so the gradient stops here."
    return (f"relu: times [{source} > 0]: the gradient passes in the {int(np.count_nonzero(local))} of "
            f"{local.size} entries where {source} > 0.")
