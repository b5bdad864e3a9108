"""Custom operations: elementwise ops a graph defines by formula (`graph.ops` in the file),
whose derivatives the app derives.

A definition is a name, its ports and a formula in the expression language. It is read by
our own parser (engine.expression), turned into a sympy expression node by node, and
differentiated and simplified per port (engine.custom.symbolic); nothing the user typed is ever
run. The op's values come from its parsed formula and the built-in ops' own forwards, its
local derivatives from the derived expressions, so the default vector-Jacobian and
Jacobian-vector products (unbroadcast(local · ḡ), local · ṫ) make reverse and forward mode
work as for any built-in. sympy is imported only when a definition is checked.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.custom.postfix import CALL, NUMBER, PORT, Postfix
from engine.errors import FileFormatError, StudioError
from engine.expression.program import Call, Expr, ExpressionError, Literal, Name, Place, arguments, postorder, walk
from engine.ops import Op, OpRegistry, PortSpec
from engine.values import Value

CUSTOM = "Custom"
"""The palette group of custom ops."""

RESERVED_PORTS = frozenset({"out", "grad", "tangent", "derivative", "value"})
"""Names the formula templates use for other things (engine.notation.fill)."""

FORMULA_LIMIT = 200
"""Operations and operands a formula may have: enough for any activation function, and
it keeps sympy's work per definition to a fraction of a second."""


OPS_LIMIT = 100
"""Custom operations one graph may define: each is derived when the file opens."""
TEXT_LIMIT = 2000
"""Characters a formula may have (read before anything else is done with it)."""


class OpDefinitionError(StudioError):
    """A custom operation refused, in one sentence; `place` marks where in its formula
    (None when the problem is its name or ports)."""

    def __init__(self, message: str, place: Place | None = None) -> None:
        super().__init__(message)
        self.place = place


@dataclass(frozen=True)
class OpFormula:
    """A custom operation as the user wrote it (and as the file keeps it)."""

    name: str
    ports: tuple[str, ...]
    formula: str

    def to_json(self) -> dict[str, Any]:
        return {"ports": list(self.ports), "formula": self.formula}


@dataclass(frozen=True, eq=False)
class CustomOp(Op):
    """An op defined by a formula; `expression` and `derivatives` are its sympy
    expressions (the derivatives one per port)."""

    definition: OpFormula | None = None
    expression: Any = field(default=None, repr=False)
    derivatives: tuple[Any, ...] = field(default=(), repr=False)
    parsed: Any = field(default=None, repr=False)
    """The formula's parsed tree (engine.expression)."""


def is_custom(op: Op) -> bool:
    return isinstance(op, CustomOp)


def definitions_in(registry: OpRegistry) -> list[OpFormula]:
    """The registry's custom ops, in the order they were defined."""
    return [op.definition for op in registry if isinstance(op, CustomOp) and op.definition]


def custom_ops_used(registry: OpRegistry, names: Iterable[str]) -> list[OpFormula]:
    """The definitions ops named `names` need: those custom ops and every custom op their
    formulas call, in the registry's order (each after the ones it calls)."""
    needed = set(names)
    customs = [op for op in registry if isinstance(op, CustomOp) and op.definition]
    for op in reversed(customs):  # an op is registered after the ones it calls
        if op.name in needed:
            needed.update(n.op for n in walk(op.parsed) if isinstance(n, Call))
    return [op.definition for op in customs if op.name in needed]


def definitions_json(definitions: Iterable[OpFormula]) -> dict[str, Any]:
    """`graph.ops` as the file writes it."""
    return {d.name: d.to_json() for d in definitions}


def read_definitions(raw: Any) -> list[OpFormula]:
    """`graph.ops` from a file, its shape checked (the formulas are checked when built)."""
    if not isinstance(raw, dict):
        raise OpDefinitionError("its \"ops\" entry is not an object of operations by name")
    definitions = []
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise OpDefinitionError(f"the operation {name} is not an object with ports and a formula")
        ports, formula = entry.get("ports"), entry.get("formula")
        if not isinstance(ports, list) or not all(isinstance(p, str) for p in ports):
            raise OpDefinitionError(f"the operation {name} has no list of port names")
        if not isinstance(formula, str):
            raise OpDefinitionError(f"the operation {name} has no formula")
        definitions.append(OpFormula(name, tuple(ports), formula))
    return definitions


def builtins_of(registry: OpRegistry) -> OpRegistry:
    """The registry without its custom ops."""
    plain = OpRegistry()
    for op in registry:
        if not isinstance(op, CustomOp):
            plain.register(op)
    return plain


def with_custom_ops(base: OpRegistry, definitions: Sequence[OpFormula]) -> OpRegistry:
    """A copy of `base` with the definitions added (one `base` already has identically
    is kept); raises OpDefinitionError naming the first refused one, `base` untouched."""
    if len(definitions) > OPS_LIMIT:
        raise OpDefinitionError(f"it defines {len(definitions)} operations; a graph may define at most {OPS_LIMIT}")
    new = [d for d in definitions if not _already_there(base, d)]
    names = [d.name for d in new]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise OpDefinitionError(f"two operations are named {twice}; give one another name")
    registry = base.copy()
    if not new:
        return registry
    parsed = {d.name: _check(d, base, new) for d in new}
    for definition in _in_dependency_order(new, parsed):
        registry.register(_derived(definition, parsed[definition.name], registry))
    return registry


def _already_there(base: OpRegistry, definition: OpFormula) -> bool:
    op = base.get(definition.name)
    if op is None:
        return False
    if isinstance(op, CustomOp) and op.definition == definition:
        return True
    if isinstance(op, CustomOp):
        raise OpDefinitionError(f"an operation named {definition.name} with another formula is already defined; "
                                "give this one another name")
    raise OpDefinitionError(f"{definition.name} is a built-in operation; give yours another name")


def _is_name(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


def _check(definition: OpFormula, base: OpRegistry, new: Sequence[OpFormula]) -> Expr:
    """The definition's parsed formula, after checking its name and ports."""
    from engine.expression.parser import parse_formula

    name, ports = definition.name, definition.ports
    if not _is_name(name):
        raise OpDefinitionError(f"the operation name {name!r} is not a name (letters, digits and _, "
                                "not starting with a digit)")
    if not ports:
        raise OpDefinitionError(f"the operation {name} needs at least one port")
    for port in ports:
        if not _is_name(port):
            raise OpDefinitionError(f"the port name {port!r} of {name} is not a name (letters, digits and _, "
                                    "not starting with a digit)")
        if port in RESERVED_PORTS:
            raise OpDefinitionError(f"the port name {port} of {name} is reserved; choose another")
    if len(set(ports)) != len(ports):
        raise OpDefinitionError(f"the operation {name} names a port twice")
    if len(definition.formula) > TEXT_LIMIT:
        raise OpDefinitionError(f"the formula of {name} is longer than {TEXT_LIMIT} characters; "
                                "split it into several operations")
    # Every new op is known while parsing (so a call of one defined later, or of itself,
    # is found below as what it is, not as an unknown function).
    known = base.copy()
    for other in new:
        if other.name not in known:
            known.register(_stub(other))
    try:
        expr = parse_formula(definition.formula, ports, known)
    except ExpressionError as error:
        raise _formula_refused(name, error) from None
    for size, node in enumerate(walk(expr), 1):
        if size > FORMULA_LIMIT:
            raise OpDefinitionError(f"the formula of {name} is too long (more than {FORMULA_LIMIT} "
                                    "operations and operands); split it into several operations")
        if isinstance(node, Literal) and not isinstance(node.value, float):
            raise OpDefinitionError(f"the formula of {name} holds a list; a formula may use numbers only",
                                    node.place)
        if isinstance(node, Call) and node.op not in {d.name for d in new}:
            _check_usable(name, known[node.op], node.place)
    return expr


def _formula_refused(name: str, error: ExpressionError) -> OpDefinitionError:
    where = f"line {error.line}, column {error.column}" if error.line > 1 else f"column {error.column}"
    return OpDefinitionError(f"the formula of {name}, {where}: {error.reason}", error.place)


def file_registry(raw: Any, base: OpRegistry) -> OpRegistry:
    """The registry a file's `graph.ops` makes (for engine.fileformat); a refused
    definition refuses the file with its sentence."""
    try:
        return with_custom_ops(base, read_definitions(raw))
    except OpDefinitionError as error:
        raise FileFormatError(str(error)) from None


def _check_usable(name: str, op: Op, place: Place) -> None:
    from engine.custom.symbolic import BUILDERS

    if isinstance(op, CustomOp) or op.name in BUILDERS:
        return
    raise OpDefinitionError(f"the formula of {name} uses {op.name}, which is not elementwise; "
                            "a formula may use only elementwise operations", place)


def _stub(definition: OpFormula) -> Op:
    ports = tuple(PortSpec(p, "", lambda args, out: None) for p in definition.ports)
    return Op(definition.name, definition.name, CUSTOM, "", "", lambda *args: None, ports)


def _calls(expr: Expr, names: Iterable[str]) -> list[str]:
    names = set(names)
    return list(dict.fromkeys(n.op for n in walk(expr) if isinstance(n, Call) and n.op in names))


def _in_dependency_order(new: Sequence[OpFormula], parsed: dict[str, Expr]) -> list[OpFormula]:
    """The definitions, each after the ones it calls; recursion refused."""
    by_name = {d.name: d for d in new}
    order: list[OpFormula] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in by_name:
        if state.get(start) == 2:
            continue
        path = [start]
        pending = [iter(_calls(parsed[start], by_name))]
        state[start] = 1
        while pending:
            callee = next(pending[-1], None)
            if callee is None:
                done = path.pop()
                pending.pop()
                state[done] = 2
                order.append(by_name[done])
            elif state.get(callee) == 1:
                cycle = [*path[path.index(callee):], callee]
                if len(cycle) == 2:
                    raise OpDefinitionError(f"the operation {callee} calls itself; a formula cannot be recursive")
                raise OpDefinitionError("the operations " + " → ".join(cycle) + " call each other; "
                                        "a formula cannot be recursive")
            elif state.get(callee) != 2:
                state[callee] = 1
                path.append(callee)
                pending.append(iter(_calls(parsed[callee], by_name)))
    return order


def _derived(definition: OpFormula, expr: Expr, registry: OpRegistry) -> CustomOp:
    """The op, its derivatives derived; `registry` holds every op the formula calls."""
    from engine.custom import symbolic
    from engine.custom.symbolic_text import formula_text

    name, ports = definition.name, definition.ports
    inline = {op.name: (op.definition.ports, op.expression) for op in registry
              if isinstance(op, CustomOp) and op.definition}

    def fold(op: str, numbers: list[float]) -> float:
        with np.errstate(all="ignore"):
            return float(registry[op].forward(*map(np.float64, numbers)))

    try:
        expression = symbolic.to_sympy(expr, ports, inline, fold)
    except ExpressionError as error:
        raise _formula_refused(name, error) from None
    specs, derivatives = [], []
    for port in ports:
        derivative = symbolic.derive(expression, port)
        try:
            local = symbolic.Numeric(derivative, ports)
        except symbolic.NotComputable as error:
            raise OpDefinitionError(f"the derivative of {name} with respect to {port} cannot be computed "
                                    f"({error})") from None
        derivatives.append(derivative)
        specs.append(PortSpec(port, formula_text(derivative), _local(local)))
    forward_text = f"{name}({', '.join('{' + p + '}' for p in ports)})"
    summary = " ".join(definition.formula.split())  # as the built-ins' summaries: what it computes
    forward = _Forward(expr, ports, registry)
    return CustomOp(name, name, CUSTOM, summary, forward_text, forward, tuple(specs),
                    definition=definition, expression=expression, derivatives=tuple(derivatives),
                    parsed=expr)


def _local(numeric: Any) -> Any:
    def local(args: tuple[Value, ...], out: Value) -> Value:
        return numeric(args)
    return local


class _Forward(Postfix):
    """The formula's value from its parsed tree and the built-in ops' forwards, so a custom
    op computes exactly what the same graph of built-in nodes would."""

    def __init__(self, expr: Expr, ports: Sequence[str], registry: OpRegistry) -> None:
        index = {port: i for i, port in enumerate(ports)}
        super().__init__([
            (CALL, registry[node.op].forward, len(node.args)) if isinstance(node, Call)
            else (PORT, index[node.name], 0) if isinstance(node, Name)
            else (NUMBER, np.float64(node.value), 0)
            for node in postorder(expr, arguments)])

    def __call__(self, *args: Value) -> Value:
        return self.run(args)
