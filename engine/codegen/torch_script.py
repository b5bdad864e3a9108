"""`main.py export GRAPH OUT.py --torch`: the graph rebuilt with PyTorch tensors
(float64, `requires_grad` on the inputs), torch's own backward run, torch's numbers
printed as the JSON `main.py eval` prints, and compared with ours, which the script
carries: it exits 1 and lists every number that differs by more than 1e-9 relative."""

from __future__ import annotations

import json

from engine.codegen.numpy_script import formula, header
from engine.codegen.program import NodeCode, Program, build_program, literal, string
from engine.evaluate import Evaluation
from engine.notation import fill

RELATIVE = 1e-9
ABSOLUTE = 1e-12
"""Numbers near 0 (a gradient that cancels to 1e-17 one way and 0 the other) are
compared absolutely."""

HELPERS = f'''def keep_grad(tensor):
    """Have torch keep this node's gradient (a node built from constants alone becomes a leaf that wants one)."""
    if tensor.requires_grad:
        tensor.retain_grad()
    else:
        tensor.requires_grad_()
    return tensor


def plain(tensor):
    """A tensor as JSON writes it: a number, or a nested list (None stays None)."""
    return None if tensor is None else tensor.detach().tolist()


def agree(theirs, ours):
    """Equal to {RELATIVE:g} relative ({ABSOLUTE:g} near zero); nan agrees with nan only."""
    if isinstance(theirs, list) or isinstance(ours, list):
        return (isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours)
                and all(agree(t, o) for t, o in zip(theirs, ours)))
    if theirs is None or ours is None:
        return theirs is None and ours is None
    if math.isnan(theirs) or math.isnan(ours):
        return math.isnan(theirs) and math.isnan(ours)
    return math.isclose(theirs, ours, rel_tol={RELATIVE!r}, abs_tol={ABSOLUTE!r})
'''

CHECK = '''differences = [
    f"{node} {key}: torch {theirs['nodes'][node][key]}, Backprop Studio {numbers[key]}"
    for node, numbers in ours["nodes"].items() for key in ("value", "grad")
    if not agree(theirs["nodes"][node][key], numbers[key])
]
if differences:
    print(f"torch and Backprop Studio disagree on {len(differences)} number(s):", file=sys.stderr)
    for line in differences:
        print("  " + line, file=sys.stderr)
    sys.exit(1)
print("torch agrees with Backprop Studio on every value and gradient.", file=sys.stderr)'''


def torch_script(evaluation: Evaluation, title: str, source: str) -> str:
    """The script's text; CodegenError when the output cannot be computed."""
    program = build_program(evaluation, title)
    ours = json.dumps(evaluation.to_json())
    out = header(program, source, "checked against PyTorch's autograd", "PyTorch",
                 "Run it: it prints torch's values and gradients as JSON (as {eval} does),\n"
                 "compares them with Backprop Studio's (below), and exits 1 listing any that differ.")
    out += ["import json", "import math", "import sys", "", "import torch", "", "", HELPERS, ""]
    out += ["# Backprop Studio's numbers, as `main.py eval` printed them.",
            f"ours = json.loads({string(ours)})", ""]
    out += [*_graph(program), "", *_backward(program), "", *_report(program), "", CHECK]
    return "\n".join(out).rstrip("\n") + "\n"


def _graph(program: Program) -> list[str]:
    lines = ["# The graph in float64 tensors; the inputs want gradients, the constants do not."]
    for node in program.nodes:
        if node.code is None:
            wants = node.op.gets_gradient
            tensor = literal(node.value, prefix="torch.tensor", array="torch.tensor")
            tensor = tensor[:-1] + ", dtype=torch.float64" + (", requires_grad=True)" if wants else ")")
            if not wants and node.has_grad:  # a constant that is the output itself
                tensor = f"keep_grad({tensor})"
            lines.append(f"{node.name} = {tensor}")
    lines += ["", "# Forward: each node from its inputs, with torch's own operations."]
    for node in program.nodes:
        if node.code is not None:
            lines.append(f"{node.name} = {_expression(program, node)}")
    return lines


def _expression(program: Program, node: NodeCode) -> str:
    assert node.code is not None
    names = {port: program.name_of(source) for port, source in zip(node.op.port_names, node.sources)}
    expression = fill(node.code.torch_expression, names, wrap=lambda name: name)
    if node.has_grad:
        return f"keep_grad({expression})  # {formula(program, node)}"
    return f"{expression}  # {formula(program, node)}"


def _backward(program: Program) -> list[str]:
    output = program.output.name
    return ["# Backward: torch's autograd, seeded with ones at the output.",
            f"{output}.backward(torch.ones_like({output}))"]


def _report(program: Program) -> list[str]:
    lines = ["# torch's numbers, as `main.py eval` prints them.", "theirs = {",
             f"    \"output\": {string(program.output.node_id)},", "    \"nodes\": {"]
    for index, node_id in enumerate(program.all_ids):
        node = program.by_index.get(index)
        if node is None:
            lines.append(f"        {string(node_id)}: {{\"value\": None, \"grad\": None}},  # not computed")
            continue
        # An input is asked even when the output does not depend on it (torch must agree: None).
        asked = node.has_grad or (node.code is None and node.op.gets_gradient)
        grad = f"plain({node.name}.grad)" if asked else "None"
        lines.append(f"        {string(node_id)}: {{\"value\": plain({node.name}), \"grad\": {grad}}},")
    lines += ["    },", "}", "print(json.dumps(theirs))"]
    return lines
