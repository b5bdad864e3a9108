"""Custom operations (engine.custom.definitions): derivatives derived with sympy from the formula
agree with the built-in ops' own, gradients and tangents agree with central finite
differences, every refusal is one sentence leaving things untouched, and fuzzed formulas
never raise anything but a refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import assert_gradient_close, finite_difference
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from engine.custom.definitions import OpDefinitionError, OpFormula, with_custom_ops
from engine.custom.symbolic import BUILDERS
from engine.document import GraphDocument
from engine.errors import FileFormatError, StudioError
from engine.fileformat import parse_data
from engine.ops import OPS
from engine.steps import BackwardStep
from engine.tangent import tangent_pass

FEW = settings(max_examples=8, deadline=None)
RNG = np.random.default_rng(13)

POSITIVE = ("log", "sqrt")
AWAY_FROM_ZERO = ("abs", "relu")


def _points(op: str, port: int, count: int = 12) -> np.ndarray:
    """Sample values for a port, away from the op's domain edges and kinks."""
    if op in POSITIVE or (op == "pow" and port == 0):
        return RNG.uniform(0.3, 3.0, count)
    if op in AWAY_FROM_ZERO:
        return RNG.choice([-1.0, 1.0], count) * RNG.uniform(0.2, 2.0, count)
    if op in ("max", "min"):  # ports apart, so there is a winner
        return RNG.uniform(-2.0, 2.0, count) + (0.0 if port == 0 else 5.0 * RNG.choice([-1.0, 1.0], count))
    if op == "div" and port == 1:
        return RNG.choice([-1.0, 1.0], count) * RNG.uniform(0.5, 3.0, count)
    return RNG.uniform(-2.0, 2.0, count)


def _custom(formula: str, ports: tuple[str, ...], name: str = "mine") -> object:
    return with_custom_ops(OPS.copy(), [OpFormula(name, ports, formula)])[name]


def _assert_same_locals(builtin: str, custom: object) -> None:
    reference = OPS[builtin]
    args = tuple(_points(builtin, port) for port in range(reference.arity))
    out = reference.forward(*args)
    np.testing.assert_allclose(custom.forward(*args), out, rtol=1e-12, atol=1e-12)
    for port, (ours, theirs) in enumerate(zip(custom.ports, reference.ports)):
        derived = np.broadcast_to(ours.local(args, out), out.shape)
        expected = np.broadcast_to(theirs.local(args, out), out.shape)
        np.testing.assert_allclose(derived, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{builtin} port {port}: {ours.derivative}")


@pytest.mark.parametrize("op", sorted(BUILDERS))
def test_every_builtin_elementwise_op_rederived_from_its_own_formula(op: str) -> None:
    ports = OPS[op].port_names
    _assert_same_locals(op, _custom(f"{op}({', '.join(ports)})", ports))


@pytest.mark.parametrize(("op", "formula"), [
    ("tanh", "(exp(2*x) - 1)/(exp(2*x) + 1)"), ("sigmoid", "1/(1+exp(-x))"), ("square", "x*x"),
    ("sqrt", "x**0.5"), ("relu", "max(x, 0)"), ("neg", "0 - x"), ("exp", "exp(x/2)*exp(x/2)"),
    ("div", "a * b**-1"), ("pow", "exp(exponent*log(base))"), ("abs", "sqrt(x*x)"),
])
def test_builtin_ops_rederived_from_other_formulas(op: str, formula: str) -> None:
    _assert_same_locals(op, _custom(formula, OPS[op].port_names))


def test_derivatives_read_in_our_notation() -> None:
    registry = with_custom_ops(OPS.copy(), [
        OpFormula("softplus", ("x",), "log(1 + exp(x))"),
        OpFormula("th", ("x",), "tanh(x)"),
        OpFormula("p", ("a", "b"), "a**b"),
    ])
    assert registry["softplus"].derivative_text(0) == "∂softplus(x)/∂x = exp(x)/(1 + exp(x))"
    assert registry["th"].derivative_text(0) == "∂th(x)/∂x = 1 − tanh(x)²"
    assert registry["p"].ports[1].derivative == "{a}^{b}·log({a})"
    assert registry["softplus"].group == "Custom"


# ---------------------------------------------------------------- gradients
GRAPH_OPS = {
    "softplus": {"ports": ["x"], "formula": "log(1 + exp(x))"},
    "blend": {"ports": ["a", "b"], "formula": "a*softplus(b) + tanh(a - b)/(1 + a*a)"},
}


def _blend_document(a: list[float], b: float) -> GraphDocument:
    data = {"graph": {"ops": GRAPH_OPS, "output": "s"},
            "nodes": [{"id": "a", "op": "input", "value": a}, {"id": "b", "op": "input", "value": b},
                      {"id": "f", "op": "blend"}, {"id": "s", "op": "sum"}],
            "edges": [{"source": "a", "target": "f", "port": 0}, {"source": "b", "target": "f", "port": 1},
                      {"source": "f", "target": "s", "port": 0}]}
    return GraphDocument.from_spec(parse_data(data))


VALUE = st.floats(-2.0, 2.0)


@FEW
@given(st.lists(VALUE, min_size=3, max_size=3), VALUE)
def test_custom_op_gradients_and_tangents_match_finite_differences(a: list[float], b: float) -> None:
    document = _blend_document(a, b)
    evaluation = document.evaluation()

    def output(values: list[np.ndarray]) -> float:
        document.set_value("a", values[0])
        document.set_value("b", values[1])
        return float(document.evaluation().value("s"))

    inputs = [np.array(a), np.array(b)]
    for which, node in enumerate(("a", "b")):
        expected = finite_difference(output, inputs, which)
        assert_gradient_close(evaluation.grad(node), expected, f"∂s/∂{node}")
        # Forward mode seeded at b (a scalar): ṡ = ∂s/∂b.
    document.set_value("a", a)
    document.set_value("b", b)
    tangents = tangent_pass(document.evaluation(), "b")
    assert_gradient_close(tangents.tangent("s"), finite_difference(output, inputs, 1), "ṡ along b")


def test_edge_label_shows_the_custom_derivative_with_node_names() -> None:
    document = _blend_document([0.5, 1.0, -1.0], 0.3)
    document.set_label("b", "x1*w1")
    registry = document.registry
    assert registry["blend"].ports[0].derivative  # derived, not empty
    steps = [s for s in document.evaluation().trace.steps
             if isinstance(s, BackwardStep) and s.target == "f"]
    texts = {s.source: s.derivative() for s in steps}
    assert texts["b"].startswith("∂f/∂(x1*w1) = ")
    assert "exp(x1*w1)" in texts["b"] and "(x1*w1)·" not in texts["b"].split("= ", 1)[0]


# ----------------------------------------------------------------- refusals
@pytest.mark.parametrize(("ops", "words"), [
    ({"exp": {"ports": ["x"], "formula": "x"}}, "exp is a built-in operation"),
    ({"f": {"ports": ["x"], "formula": "f(x) + 1"}}, "f calls itself"),
    ({"f": {"ports": ["x"], "formula": "g(x)"}, "g": {"ports": ["x"], "formula": "f(x)"}}, "f → g → f call each other"),
    ({"f": {"ports": ["x"], "formula": "nope(x)"}}, "there is no operation named nope"),
    ({"f": {"ports": ["x y"], "formula": "x"}}, "is not a name"),
    ({"f": {"ports": ["x"], "formula": "x +"}}, "the formula of f, column"),
    ({"f": {"ports": ["x"], "formula": "__import__('os')"}}, "the formula of f"),
    ({"f": {"ports": ["x"], "formula": "sum(x)"}}, "not elementwise"),
    ({"f": {"ports": ["x"], "formula": "y"}}, "y is not a parameter"),
    ({"f": "log(x)"}, "is not an object"),
    ({"f": {"ports": ["x"], "formula": "x" + " + x" * 1000}}, "longer than 2000 characters"),
    ({f"f{i}": {"ports": ["x"], "formula": "x"} for i in range(101)}, "at most 100"),
])
def test_refused_definitions_refuse_the_file_in_one_sentence(ops: dict, words: str) -> None:
    data = {"graph": {"ops": ops}, "nodes": [{"id": "x", "op": "input", "value": 1.0}], "edges": []}
    with pytest.raises(FileFormatError) as caught:
        parse_data(data)
    message = str(caught.value)
    assert words in message and "\n" not in message and "Traceback" not in message


def test_an_edge_into_a_port_the_custom_op_lacks_is_refused() -> None:
    data = {"graph": {"ops": {"softplus": GRAPH_OPS["softplus"]}},
            "nodes": [{"id": "x", "op": "input"}, {"id": "s", "op": "softplus"}],
            "edges": [{"source": "x", "target": "s", "port": 1}]}
    with pytest.raises(FileFormatError, match="softplus has ports: 0 \\(x\\)"):
        parse_data(data)


def test_document_refusals_leave_it_untouched_and_edits_re_evaluate() -> None:
    document = _blend_document([0.5, 1.0, -1.0], 0.3)
    before = (document.to_data(), document.revision, float(document.evaluation().value("s")))
    for definitions in ([OpFormula("softplus", ("x",), "softplus(x)")],  # recursion, and blend would be gone
                        [OpFormula("softplus", ("x",), "log(1 + exp(x))"),
                         OpFormula("blend", ("a",), "a")]):  # port 1 of blend is wired
        with pytest.raises(StudioError):
            document.set_custom_ops(definitions)
        assert (document.to_data(), document.revision, float(document.evaluation().value("s"))) == before
    edited = [OpFormula("softplus", ("x",), "2*x"), *document.custom_ops()[1:]]
    document.set_custom_ops(edited)
    a, b = np.array([0.5, 1.0, -1.0]), 0.3
    expected = np.sum(a * 2 * b + np.tanh(a - b) / (1 + a * a))
    assert float(document.evaluation().value("s")) == pytest.approx(expected, rel=1e-12)
    assert document.to_data()["graph"]["ops"]["softplus"] == {"ports": ["x"], "formula": "2*x"}


def test_definitions_round_trip_through_the_file() -> None:
    document = _blend_document([0.5, 1.0, -1.0], 0.3)
    again = GraphDocument.from_spec(parse_data(json.loads(json.dumps(document.to_data()))))
    assert [d.name for d in again.custom_ops()] == ["softplus", "blend"]
    assert again.evaluation().to_json() == document.evaluation().to_json()


# ------------------------------------------------------------------ fuzzing
_PIECES = st.sampled_from(["x", "y", "1", "2.5", "0", "-", "+", "*", "/", "**", "(", ")", ",", " ",
                           "exp(", "log(", "tanh(", "max(", "sum(", "f(", "g(", "[1, 2]", "1e308", "import",
                           "lambda", "x.y", "'s'", ":", "=", "\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=9).map("".join))
def test_fuzzed_formulas_only_ever_refuse(formula: str) -> None:
    try:
        registry = with_custom_ops(OPS.copy(), [OpFormula("f", ("x", "y"), formula)])
    except OpDefinitionError as error:
        assert str(error) and "\n" not in str(error)
        return
    op = registry["f"]
    args = (np.float64(0.7), np.array([0.3, -1.2]))
    out = op.forward(*args)
    for port in op.ports:
        assert port.derivative
        np.broadcast_to(port.local(args, out), np.shape(out))


def test_plain_files_never_import_sympy() -> None:
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from engine.report import *; from engine.fileformat import read_file; "
            "from engine.document import GraphDocument; "
            f"d = GraphDocument.from_spec(read_file({str(root / 'resources/examples/tanh_neuron.json')!r})); "
            "d.evaluation().trace; print('sympy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_two_operations_with_one_name_are_refused() -> None:
    with pytest.raises(OpDefinitionError, match="two operations are named f"):
        with_custom_ops(OPS.copy(), [OpFormula("f", ("x",), "x"), OpFormula("f", ("x",), "2*x")])


# ---------------------------------------------- the derivative's text is true
def _leaf() -> st.SearchStrategy[str]:
    return st.sampled_from(["x", "y", "2", "0.5", "3"])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    safe = inner.map(lambda e: f"(1 + ({e})*({e}))")  # positive, for log, sqrt and a power's base
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, safe).map(lambda t: f"({t[0]}) / {t[1]}"),
        st.tuples(safe, inner).map(lambda t: f"{t[0]} ** ({t[1]})"),
        inner.map(lambda e: f"-({e})"),
        st.tuples(st.sampled_from(["exp", "sin", "cos", "tanh", "sigmoid", "square"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["log", "sqrt"]), safe).map(lambda t: f"{t[0]}({t[1]})"),
    )


_FORMULAS = st.recursive(_leaf(), _grow, max_leaves=5)
_SUPERSCRIPT = {"²": "**2", "³": "**3", "⁴": "**4", "⁵": "**5", "⁶": "**6", "⁷": "**7", "⁸": "**8", "⁹": "**9"}


def _as_language(text: str) -> str:
    """The derivative as shown, read back into the expression language (for these ops the
    notation uses only ·, −, ^, superscripts and √)."""
    import re

    text = text.replace("{", "").replace("}", "").replace("·", "*").replace("−", "-").replace("^", "**")
    text = re.sub(r"[²³⁴⁵⁶⁷⁸⁹]", lambda m: _SUPERSCRIPT[m.group()], text)
    return re.sub(r"√(\w+)", r"sqrt(\1)", text).replace("√(", "sqrt(")


@settings(max_examples=25, deadline=None)
@given(_FORMULAS, st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_the_derivative_text_computes_what_the_op_computes(formula: str, x: float, y: float) -> None:
    """Each port's derivative as written on screen, read back and computed by the built-in
    ops, equals the number on the edge and the finite difference of the op."""
    from engine.custom.definitions import _Forward
    from engine.expression import parse_formula

    try:
        op = _custom(formula, ("x", "y"))
    except OpDefinitionError:  # a constant part overflows: refused, as it should be
        reject()
    with np.errstate(all="ignore"):  # steep formulas overflow; the texts must still agree
        args = (np.float64(x), np.float64(y))
        out = op.forward(*args)
        for port, spec in enumerate(op.ports):
            text = _as_language(spec.derivative)
            written = _Forward(parse_formula(text, ("x", "y")), ("x", "y"), OPS)(*args)
            local = spec.local(args, out)
            np.testing.assert_allclose(written, local, rtol=1e-9, atol=1e-12, err_msg=f"{formula}: {spec.derivative}")
            if not abs(out) < 1e6:  # overflowed, or too steep for a finite difference to say
                continue
            h = 1e-6
            moved = [list(args), list(args)]
            moved[0][port] += h
            moved[1][port] -= h
            difference = (op.forward(*moved[0]) - op.forward(*moved[1])) / (2 * h)
            np.testing.assert_allclose(local, difference, rtol=1e-5, atol=1e-6, err_msg=f"{formula}: {spec.derivative}")


# --------------------------------------------------------------- command line
def test_eval_reads_custom_ops_and_a_refused_one_is_one_line_status_2(tmp_path, capsys) -> None:
    import main

    example = Path(__file__).resolve().parent.parent / "resources" / "examples" / "softplus_and_swish.json"
    assert main.main(["eval", str(example)]) == 0
    grad = json.loads(capsys.readouterr().out)["nodes"]["x"]["grad"]
    x = -0.5
    sigmoid = 1 / (1 + np.exp(-x))
    assert grad == pytest.approx(sigmoid + sigmoid * (1 + x * (1 - sigmoid)), rel=1e-12)
    data = json.loads(example.read_text(encoding="utf-8"))
    data["graph"]["ops"]["swish"]["formula"] = "x * swish(x)"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main.main(["eval", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "Cannot open bad.json: the operation swish calls itself" in captured.err
