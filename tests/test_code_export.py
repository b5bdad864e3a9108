"""`main.py export GRAPH OUT.py [--torch]`: the numpy script prints what `main.py eval`
prints, on every shipped example and on a graph of every op; the PyTorch script embeds
our numbers, builds every node, and (where torch is installed) agrees with them."""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.codegen import PROVIDERS, CodegenError, OpCode, code_for, numpy_script, torch_script
from engine.codegen.names import identifier
from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR, SEED_EXAMPLE
from engine.ops import OPS, Op, PortSpec
from engine.report import eval_report
from gui.export.subcommand import export_main

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
RUNNER = """\
import contextlib, io, runpy, sys
for path in sys.argv[1:]:
    out = io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(path, run_name="__main__")
        except SystemExit as exit:
            status = exit.code
    sys.stdout.write(f"{status}\\t{out.getvalue().strip()}\\n")
"""
"""Runs scripts one after another in one fresh interpreter (one start-up, not one each)."""


def run_scripts(paths: list[Path], errors: list[str] | None = None) -> list[tuple[int, dict]]:
    """(exit status, the JSON printed) of each script; `errors` gets what they wrote on stderr."""
    done = subprocess.run([sys.executable, "-I", "-c", RUNNER, *map(str, paths)], capture_output=True, text=True,
                          cwd=paths[0].parent, timeout=120)
    assert done.returncode == 0, done.stderr
    if errors is not None:
        errors.append(done.stderr)
    rows = [line.split("\t", 1) for line in done.stdout.splitlines()]
    return [(int(status), json.loads(text)) for status, text in rows]


def close(actual, expected, relative: float) -> bool:
    if isinstance(expected, list) or isinstance(actual, list):
        return (isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected)
                and all(close(a, e, relative) for a, e in zip(actual, expected)))
    if actual is None or expected is None:
        return actual is None and expected is None
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=relative, abs_tol=relative)


def assert_same_report(actual: dict, expected: dict, relative: float, what: str) -> None:
    assert actual["output"] == expected["output"], what
    assert list(actual["nodes"]) == list(expected["nodes"]), what
    for node, numbers in expected["nodes"].items():
        for key in ("value", "grad"):
            assert close(actual["nodes"][node][key], numbers[key], relative), \
                f"{what}: {node} {key} is {actual['nodes'][node][key]}, eval says {numbers[key]}"


def imported_modules(text: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    return modules


def every_op_graphs() -> dict[str, GraphDocument]:
    """Per op, a graph that uses it with broadcasting where it allows it, a constant on
    one port, and a nontrivial gradient from above (the op's output is squared and summed)."""
    rng = np.random.default_rng(14)
    positive = lambda *shape: rng.uniform(0.5, 2.0, shape)  # sqrt, log, pow's base
    anything = lambda *shape: rng.uniform(-2.0, 2.0, shape)
    args = {name: [anything(2, 3), anything(3)] for name in ("add", "sub", "mul", "max", "min")}
    args |= {"div": [anything(2, 3), positive(1, 3)], "pow": [positive(2, 3), anything(3)],
             "matmul": [anything(2, 3), anything(3)], "mse": [anything(3, 1), anything(3)],
             "sum": [anything(2, 3)], "mean": [anything(3, 2)], "sqrt": [positive(4)], "log": [positive(4)]}
    graphs = {}
    for op in OPS:
        if op.is_leaf:
            continue
        values = args.get(op.name, [anything(2, 2)] * op.arity if op.arity > 1 else [anything(2, 2)])
        document = GraphDocument()
        document.add_node(op.name, node_id="y")
        for port, value in enumerate(values):
            leaf = "constant" if port == 1 and op.name == "mul" else "input"
            document.add_node(leaf, node_id=f"in{port}", value=value)
            document.add_edge(f"in{port}", "y", port)
        document.add_node("square", node_id="y2")
        document.add_edge("y", "y2", 0)
        document.add_node("sum", node_id="loss")
        document.add_edge("y2", "loss", 0)
        graphs[op.name] = document
    # One node into two ports, fan-out, and scalars: a*a + a.
    document = GraphDocument()
    document.add_node("input", node_id="a", value=1.5)
    document.add_node("mul", node_id="aa")
    document.add_edge("a", "aa", 0)
    document.add_edge("a", "aa", 1)
    document.add_node("add", node_id="out")
    document.add_edge("aa", "out", 0)
    document.add_edge("a", "out", 1)
    graphs["a*a + a"] = document
    for seed in range(3):
        graphs[f"random {seed}"] = random_graph(np.random.default_rng(seed))
    return graphs


RANDOM_OPS = ("add", "sub", "mul", "div", "max", "min", "tanh", "sigmoid", "relu", "neg", "square", "sin", "abs")


def random_graph(rng: np.random.Generator, count: int = 24) -> GraphDocument:
    """Inputs and a constant (some scalars, some 1×3 and 2×1 arrays that broadcast), then
    ops on random earlier nodes (fan-out, one node into both ports), summed into one output."""
    document = GraphDocument()
    shapes = [(), (1, 3), (2, 1), ()]
    for i, shape in enumerate(shapes):
        document.add_node("constant" if i == 3 else "input", node_id=f"v{i}",
                          value=rng.uniform(-2, 2, shape) if shape else float(rng.uniform(-2, 2)))
    for i in range(len(shapes), count):
        op = OPS[RANDOM_OPS[rng.integers(len(RANDOM_OPS))]]
        document.add_node(op.name, node_id=f"v{i}")
        for port in range(op.arity):
            document.add_edge(f"v{rng.integers(i)}", f"v{i}", port)
    document.add_node("sum", node_id="total")
    previous = f"v{count - 1}"
    for i in range(count - 2, count // 2, -1):
        document.add_node("add", node_id=f"s{i}")
        document.add_edge(previous, f"s{i}", 0)
        document.add_edge(f"v{i}", f"s{i}", 1)
        previous = f"s{i}"
    document.add_edge(previous, "total", 0)
    document.set_output("total")
    return document


@pytest.fixture(scope="module")
def example_reports() -> dict[Path, dict]:
    return {path: eval_report(path) for path in EXAMPLES}


def test_the_numpy_script_prints_what_eval_prints_on_every_example_and_every_op(tmp_path, example_reports):
    scripts, expected = [], []
    for path in EXAMPLES:
        out = tmp_path / f"{path.stem}.py"
        assert export_main([str(path), str(out)]) == 0
        scripts.append(out)
        expected.append((path.name, example_reports[path]))
    for name, document in every_op_graphs().items():
        out = tmp_path / f"op_{len(scripts)}.py"
        evaluation = document.evaluation()
        out.write_text(numpy_script(evaluation, name, "test.json"), encoding="utf-8")
        scripts.append(out)
        expected.append((name, json.loads(json.dumps(evaluation.to_json()))))
    for script in scripts:
        # Standalone: numpy and the standard library only, never the app.
        assert imported_modules(script.read_text(encoding="utf-8")) == {"json", "numpy"}, script.name
    for (status, printed), (name, report) in zip(run_scripts(scripts), expected, strict=True):
        assert status == 0, name
        assert_same_report(printed, report, 1e-12, name)
    assert len(expected) == len(EXAMPLES) + sum(1 for op in OPS if not op.is_leaf) + 1 + 3


def test_the_numpy_script_reads_like_the_write_up():
    text = numpy_script(GraphDocument.from_spec(_seed_spec()).evaluation(), "d = a*(b+c)", "seed.json")
    # One class per op used, each with forward and backward; the graph in the file's names.
    assert text.count("class ") == 2
    assert "class Add:" in text and "class Multiply:" in text
    assert "def forward(self, a, b):" in text and "def backward(self, grad):" in text
    assert "def unbroadcast(grad, shape):" in text
    forward = text.index("s = s_op.forward(b, c)")
    assert forward < text.index("d = d_op.forward(a, s)") < text.index("d_grad = np.ones_like(d)")
    # Backward in the trace's order: d hands back first, then s; each input's gradient accumulates.
    assert text.index("a_from_d, s_from_d = d_op.backward(d_grad)") < text.index("s_op.backward(s_grad)")
    assert "a_grad += a_from_d" in text and "b_grad += b_from_s" in text
    # The local derivatives, in the op table's own words.
    assert "∂(a × b)/∂a = b" in text


def _seed_spec():
    from engine.fileformat import read_file

    return read_file(SEED_EXAMPLE)


def test_awkward_names_become_safe_distinct_identifiers(tmp_path):
    document = GraphDocument()
    labels = {"p": "x 1", "q": "2a", "r": "lambda", "s": "np", "t": "a_grad", "u": "a"}
    for node_id, label in labels.items():
        document.add_node("input", node_id=node_id, value=float(len(label)))
        document.set_label(node_id, label)
    previous = "p"
    for k, node_id in enumerate(["q", "r", "s", "t", "u"]):
        document.add_node("mul", node_id=f"m{k}")
        document.add_edge(previous, f"m{k}", 0)
        document.add_edge(node_id, f"m{k}", 1)
        previous = f"m{k}"
    document.set_label(previous, "a")  # the same label as an input
    evaluation = document.evaluation()
    text = numpy_script(evaluation, 'quote """ and \\ back\nslash', "odd.json")
    compile(text, "odd.py", "exec")
    # `a` comes after `a_grad`, whose name it would shadow as `a`'s gradient: it is `a_2`.
    for name in ("x_1 = ", "n_2a = ", "lambda_ = ", "np_2 = ", "a_grad = ", "a_2 = ", "a_3 = "):
        assert f"\n{name}" in text, name
    out = tmp_path / "odd.py"
    out.write_text(text, encoding="utf-8")
    [(status, printed)] = run_scripts([out])
    assert status == 0
    assert_same_report(printed, json.loads(json.dumps(evaluation.to_json())), 1e-12, "odd names")


@pytest.mark.parametrize(("name", "expected"), [("x1*w1", "x1_w1"), ("σ", "σ"), ("ﬁt", "fit"), ("", "node"),
                                                ("9", "n_9"), ("class", "class_"), ("a-b", "a_b")])
def test_identifier(name, expected):
    assert identifier(name) == expected


def _torch_scripts(tmp_path: Path, example_reports) -> list[tuple[Path, Path, dict]]:
    made = []
    for path in EXAMPLES:
        out = tmp_path / f"{path.stem}_torch.py"
        assert export_main([str(path), str(out), "--torch"]) == 0
        made.append((path, out, example_reports[path]))
    return made


def test_the_torch_script_embeds_our_numbers_and_builds_every_node(tmp_path, example_reports):
    for path, out, report in _torch_scripts(tmp_path, example_reports):
        text = out.read_text(encoding="utf-8")
        tree = ast.parse(compile(text, out.name, "exec", ast.PyCF_ONLY_AST))
        assert imported_modules(text) == {"json", "math", "sys", "torch"}
        embedded = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                        and node.targets[0].id == "ours")  # type: ignore[attr-defined]
        assert json.loads(ast.literal_eval(embedded.args[0])) == report, path.name  # type: ignore[attr-defined]
        assigned = {node.targets[0].id for node in tree.body if isinstance(node, ast.Assign)  # type: ignore[attr-defined]
                    and isinstance(node.targets[0], ast.Name)}
        theirs = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                      and getattr(node.targets[0], "id", "") == "theirs")
        listed = [ast.literal_eval(key) for key in theirs.values[1].keys]  # type: ignore[attr-defined]
        assert listed == list(report["nodes"]), path.name
        # Every node with a value is a tensor the script builds; inputs want gradients.
        for key, entry in zip(listed, theirs.values[1].values):  # type: ignore[attr-defined]
            value = entry.values[0]
            assert isinstance(value, ast.Call) and value.args[0].id in assigned, (path.name, key)
        assert "requires_grad=True" in text and "dtype=torch.float64" in text
        assert ".backward(torch.ones_like(" in text and "sys.exit(1)" in text


TORCH = importlib.util.find_spec("torch") is not None


@pytest.mark.skipif(not TORCH, reason="torch is not installed; the script's text is tested above")
def test_the_torch_script_agrees_with_us_and_exits_1_on_a_difference(tmp_path, example_reports):
    made = _torch_scripts(tmp_path, example_reports)
    tampered = tmp_path / "tampered.py"
    text = next(out for path, out, _ in made if path == SEED_EXAMPLE).read_text(encoding="utf-8")
    # d = a*(b+c): a's gradient is -1.7
    assert '\\"grad\\": -1.7' in text or '"grad": -1.7' in text
    tampered.write_text(text.replace('"grad": -1.7', '"grad": -1.70001', 1), encoding="utf-8")
    for name, document in every_op_graphs().items():  # every op against PyTorch's autograd
        evaluation = document.evaluation()
        out = tmp_path / f"op_{len(made)}_torch.py"
        out.write_text(torch_script(evaluation, name, "test.json"), encoding="utf-8")
        made.append((Path(name), out, json.loads(json.dumps(evaluation.to_json()))))
    errors: list[str] = []
    results = run_scripts([out for _, out, _ in made] + [tampered], errors)  # one start of torch for all
    for (status, printed), (path, _, report) in zip(results, made):
        assert status == 0, f"{path.name}: {errors}"
        assert_same_report(printed, report, 1e-9, path.name)
    assert results[-1][0] == 1
    said = errors[0].splitlines()
    assert said.count("torch agrees with Backprop Studio on every value and gradient.") == len(made)
    assert said[-2:] == ["torch and Backprop Studio disagree on 1 number(s):",
                         "  a grad: torch -1.7, Backprop Studio -1.70001"]


def test_an_op_without_code_is_refused_and_a_provider_can_supply_it():
    custom = Op("softsign", "ss", "Custom", "x / (1 + |x|)", "softsign({x})", lambda x: x / (1 + np.abs(x)),
                (PortSpec("x", "1/(1 + |{x}|)²", lambda args, out: 1 / (1 + np.abs(args[0])) ** 2),))
    with pytest.raises(CodegenError, match="softsign"):
        code_for(custom)
    supplied = OpCode("Softsign", "class Softsign:\n    pass\n", "{x} / (1 + torch.abs({x}))")
    PROVIDERS.append(lambda op: supplied if op.name == "softsign" else None)
    try:
        assert code_for(custom) is supplied
        assert code_for(OPS["mul"]).class_name == "Multiply"
    finally:
        PROVIDERS.pop()


def test_bad_requests_exit_2_with_one_line_and_write_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.json"  # an input without a value
    broken.write_text(json.dumps({
        "directed": True, "multigraph": True, "graph": {"format": "backprop-studio", "version": 1},
        "nodes": [{"id": "a", "op": "input"}, {"id": "n", "op": "neg"}],
        "edges": [{"source": "a", "target": "n", "key": 0, "port": 0}]}), encoding="utf-8")
    seed = str(SEED_EXAMPLE)
    cases = [([str(broken), str(tmp_path / "a.py")], "cannot compute the output"),
             ([seed, str(tmp_path / "b.py"), "--scale", "2"], "unrecognized arguments"),
             ([seed, str(tmp_path / "nowhere" / "c.py")], "does not exist"),
             ([str(tmp_path / "missing.json"), str(tmp_path / "d.py")], "missing.json")]
    for argv, words in cases:
        assert export_main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]


CUSTOM_TEXT = """
def softplus(x): return log(1 + exp(x))
def blend(a, b): return a * softplus(b) + tanh(a - b) / (1 + a * a)
def kinky(x): return max(x, 0) + 2 ** x + log(2) * abs(x)
def power(a, b): return (1 + a * a) ** b
x = [[0.3, -1.2], [2.0, 0.7]]
w = [0.5, -0.25]
s = 1.5
p = blend(x, w) + kinky(x - 0.1) * power(w, s)
o = sum(p * softplus(p))
"""


def test_custom_operations_become_classes_whose_backward_is_the_derived_derivative(tmp_path):
    """Each custom op is a class like the built-ins' (forward, backward), its backward the
    derivative the app derived; the numpy script prints eval's numbers, broadcasting and
    all, and the torch script rebuilds the same ops with torch's functions."""
    from engine.expression.builder import build_document

    evaluation = build_document(CUSTOM_TEXT).evaluation()
    assert evaluation.ok
    report = json.loads(json.dumps(evaluation.to_json()))
    script = numpy_script(evaluation, "custom", "custom.json")
    for name in ("SoftplusCustom", "BlendCustom", "KinkyCustom", "PowerCustom"):
        assert f"class {name}:" in script
    assert "def forward(self, a, b):" in script and "def backward(self, grad):" in script
    assert imported_modules(script) == {"json", "numpy"}
    numpy_out = tmp_path / "custom.py"
    numpy_out.write_text(script, encoding="utf-8")
    torch_out = tmp_path / "custom_torch.py"
    torch_out.write_text(torch_script(evaluation, "custom", "custom.json"), encoding="utf-8")
    compile(torch_out.read_text(encoding="utf-8"), torch_out.name, "exec")
    runs = [numpy_out, torch_out] if TORCH else [numpy_out]
    for (status, printed), path in zip(run_scripts(runs), runs):
        assert status == 0, path.name
        assert_same_report(printed, report, 1e-12 if path is numpy_out else 1e-9, path.name)
