"""`main.py export GRAPH OUT.py`: the graph as a standalone numpy script a student can
read top to bottom, in the founding write-up's style: one small class per op used
(forward, backward), the graph built from them with the file's names, a forward
pass, a backward pass that accumulates with `+=` in the trace's order, and at the
end the same JSON `main.py eval` prints."""

from __future__ import annotations

from engine.codegen.program import NodeCode, Program, build_program, comment_text, literal, string
from engine.evaluate import Evaluation
from engine.notation import fill

UNBROADCAST = '''def unbroadcast(grad, shape):
    """Sum a gradient back to the shape of the input numpy broadcast to meet the other."""
    if np.shape(grad) == shape:
        return grad
    extra = np.ndim(grad) - len(shape)
    if extra < 0:
        return np.broadcast_to(grad, shape).astype(np.float64)
    if extra > 0:  # axes numpy added in front
        grad = np.sum(grad, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(grad)[i] != 1)
    if stretched:  # axes of length 1 numpy stretched
        grad = np.sum(grad, axis=stretched, keepdims=True)
    if not shape:
        return np.float64(grad)
    return np.asarray(grad, dtype=np.float64).reshape(shape)
'''

PLAIN = '''def plain(value):
    """A value as JSON writes it: a number, or a nested list."""
    return value.tolist() if isinstance(value, np.ndarray) else float(value)
'''


def header(program: Program, source: str, what: str, needs: str, run: str) -> list[str]:
    """The opening comments; `run` says what running the script does, `{eval}` standing for
    the `main.py eval` command of the same file (`source`, its name; empty when unsaved)."""
    source = comment_text(source)
    written = f"from {source}" if source else "from a graph not saved yet"
    command = f"`main.py eval {source}`" if source else "`main.py eval` on the graph's file"
    return [
        "#!/usr/bin/env python3",
        f"# {program.title or 'A computational graph'}: {what}",
        f"# Written by Backprop Studio {written}; it needs only {needs}.",
        *(f"# {line}" for line in run.format(eval=command).splitlines()),
        "",
    ]


def class_source(node: NodeCode) -> str:
    """The op's class with a docstring of what it computes and its local derivatives."""
    assert node.code is not None
    op = node.op
    lines = node.code.numpy_class.splitlines()
    names = {port: port for port in op.port_names}
    derivatives = "; ".join(op.derivative_text(port) for port in range(op.arity))
    doc = f'    """out = {fill(op.forward_text, names)}.  {derivatives}"""'
    return "\n".join([lines[0], doc, *lines[1:]]) + "\n"


def formula(program: Program, node: NodeCode) -> str:
    """`s = b + c` in the file's names (made safe), as a comment over the node's line."""
    names = {port: program.name_of(source) for port, source in zip(node.op.port_names, node.sources)}
    return f"{node.name} = {fill(node.op.forward_text, names)}"


def numpy_script(evaluation: Evaluation, title: str, source: str) -> str:
    """The script's text; CodegenError when the output cannot be computed."""
    program = build_program(evaluation, title)
    out = header(program, source, "forward and backward by hand, with numpy", "numpy",
                 "Run it: it prints every value and gradient as JSON, as {eval} does.")
    out += ["import json", "", "import numpy as np", "",
            "np.seterr(all=\"ignore\")  # nan and inf flow through, as in Backprop Studio", "", ""]
    out += [UNBROADCAST, ""]
    seen: set[str] = set()
    for node in program.nodes:
        if node.code is not None and node.code.class_name not in seen:
            seen.add(node.code.class_name)
            out += [class_source(node), ""]
    out += [PLAIN, ""]
    ops = [node for node in program.nodes if node.code is not None]
    if ops:
        out.append("# The graph: one object per operation node, named as in the file.")
        out += [f"{node.name}_op = {node.code.class_name}()" for node in ops if node.code is not None]
        out.append("")
    out += _forward(program) + _backward(program) + _report(program)
    return "\n".join(out).rstrip("\n") + "\n"


def _forward(program: Program) -> list[str]:
    lines = ["# Forward pass: the inputs, then each node from its inputs, inputs first."]
    for node in program.nodes:
        if node.code is None:
            note = "  # a constant: it gets no gradient" if not node.op.gets_gradient else ""
            lines.append(f"{node.name} = {literal(node.value)}{note}")
    for node in program.nodes:
        if node.code is not None:
            arguments = ", ".join(program.name_of(source) for source in node.sources)
            lines.append(f"{node.name} = {node.name}_op.forward({arguments})  # {formula(program, node)}")
    return [*lines, ""]


def _backward(program: Program) -> list[str]:
    output = program.output
    lines = ["# Backward pass: every gradient starts at zero; the output's is 1 (the seed);",
             "# then each node, the output first, adds its share to each of its inputs' gradients."]
    lines += [f"{node.name}_grad = np.zeros_like({node.name})"
              for node in program.nodes if node.has_grad and node is not output]
    lines.append(f"{output.name}_grad = np.ones_like({output.name})")
    for node in program.backward_order():
        lines += ["", f"# {formula(program, node)}"]
        parts = []
        for source in node.sources:
            receiver = program.by_index[source]
            if not receiver.has_grad:  # a constant
                parts.append("_")
                continue
            parts.append(program.namer.temporary(f"{receiver.name}_from_{node.name}"))
        lines.append(f"{', '.join(parts)} = {node.name}_op.backward({node.name}_grad)")
        for source, part in zip(node.sources, parts):
            if part != "_":
                lines.append(f"{program.name_of(source)}_grad += {part}")
    return [*lines, ""]


def _report(program: Program) -> list[str]:
    """The `main.py eval` report: every node of the file, in its order."""
    lines = ["# The report `main.py eval` prints: every value and gradient.",
             "report = {", f"    \"output\": {string(program.output.node_id)},", "    \"nodes\": {"]
    for node_id, index in zip(program.all_ids, range(len(program.all_ids))):
        node = program.by_index.get(index)
        if node is None:
            lines.append(f"        {string(node_id)}: {{\"value\": None, \"grad\": None}},  # not computed")
            continue
        grad = f"plain({node.name}_grad)" if node.has_grad else "None"
        lines.append(f"        {string(node_id)}: {{\"value\": plain({node.name}), \"grad\": {grad}}},")
    lines += ["    },", "}", "print(json.dumps(report))"]
    return lines
