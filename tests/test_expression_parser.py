"""The expression language's parser: what it reads, what it refuses (one sentence with
line and column), and that no text makes it raise anything else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import StudioError
from engine.expression import (
    Assign,
    Call,
    Definition,
    ExpressionError,
    Literal,
    Name,
    parse_formula,
    parse_program,
    walk,
)
from engine.expression.builder import build_document

FOUNDING = "# the founding example\na = 2.2\nb = -1.8\nc = 0.1\nd = a * (b + c)\n"
NEURON = "x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = 6.8813735870195432\no = tanh(x1*w1 + x2*w2 + b)"


def test_founding_example_reads_as_four_assignments() -> None:
    program = parse_program(FOUNDING)
    assert [s.name for s in program.assignments] == ["a", "b", "c", "d"]
    assert program.statements[1].value == Literal(-1.8)
    assert program.statements[1].value.value == -1.8
    assert program.statements[3].value == Call("mul", (Name("a"), Call("add", (Name("b"), Name("c")))))


def test_operators_become_the_ops_of_the_table() -> None:
    program = parse_program("y = a + b - c * d / e ** f @ g; z = -a; w = +a")
    ops = [node.op for node in walk(program.statements[0].value) if isinstance(node, Call)]
    assert sorted(ops) == sorted(["add", "sub", "mul", "div", "pow", "matmul"])
    assert program.statements[1].value == Call("neg", (Name("a"),))
    assert program.statements[2].value == Name("a")


def test_numbers_lists_and_signs() -> None:
    program = parse_program("x = [[1, -2], [+3, 4.5]]\ny = x * -2\nz = --3")
    assert program.statements[0].value.value == [[1.0, -2.0], [3.0, 4.5]]
    assert program.statements[1].value == Call("mul", (Name("x"), Literal(-2.0)))
    assert program.statements[1].value.args[1].value == -2.0
    assert program.statements[2].value.value == 3.0


def test_definition_is_parsed_and_callable_after_it() -> None:
    program = parse_program("def softplus(x): return log(1 + exp(x))\ny = softplus(a)")
    definition = program.definitions[0]
    assert isinstance(definition, Definition)
    assert (definition.name, definition.params) == ("softplus", ("x",))
    assert definition.body == Call("log", (Call("add", (Literal(1.0), Call("exp", (Name("x"),)))),))
    assert program.statements[1] == Assign("y", Call("softplus", (Name("a"),)))


def test_formula_reads_one_expression_over_its_ports() -> None:
    assert parse_formula("x * sigmoid(x)", ["x"]) == Call("mul", (Name("x"), Call("sigmoid", (Name("x"),))))
    with pytest.raises(ExpressionError, match="column 5: y is not a parameter"):
        parse_formula("x + y", ["x"])


@pytest.mark.parametrize(("text", "where", "says"), [
    ("x = a.b", (1, 5), "attribute access"),
    ("a = 1\nx = b[0]", (2, 5), "subscripts"),
    ("x = max(a, b=2)", (1, 12), "keyword arguments"),
    ("x = 'hi'", (1, 5), "strings"),
    ("x = lambda: 1", (1, 5), "lambdas"),
    ("x = [i for i in a]", (1, 5), "comprehensions"),
    ("x = a if b else c", (1, 5), "conditional"),
    ("for i in a: pass", (1, 1), "loops"),
    ("while a: pass", (1, 1), "loops"),
    ("import os", (1, 1), "imports"),
    ("from os import path", (1, 1), "imports"),
    ("x = tahn(a)", (1, 5), "no operation named tahn (did you mean tanh?)"),
    ("x = tanh(a, b)", (1, 5), "tanh takes 1 argument (x), not 2"),
    ("x = max(a)", (1, 5), "max takes 2 arguments (a, b), not 1"),
    ("x = [[1, 2], [3]]", (1, 5), "rectangular"),
    ("x = [1, a]", (1, 5), "only numbers"),
    ("x = tanh(*a)", (1, 10), "starred"),
    ("x = (y := 2)", (1, 6), "walrus"),
    ("x = True", (1, 5), "not a number"),
    ("x = 1e999", (1, 5), "finite"),
    ("x = a // b", (1, 5), "//"),
    ("x = a.b(c)", (1, 5), "attribute access"),
    ("x = input(2)", (1, 5), "not an operation to call"),
    ("tanh(a)", (1, 1), "give it a name"),
    ("def tanh(x): return x", (1, 1), "already an operation"),
    ("def f(x): return y", (1, 18), "y is not a parameter"),
    ("y = f(a)\ndef f(x): return x", (1, 5), "no operation named f"),
    ("x = 1 +", (1, 8), "invalid syntax"),
    ("x = 1 2", (1, 7), "invalid syntax"),  # without Python's hint to add a comma (a tuple)
    ("print x", (1, 1), "invalid syntax"),
    ("é = 1; x = é.b", (1, 12), "attribute access"),  # columns count characters, not bytes
])
def test_refusals_name_line_and_column(text: str, where: tuple[int, int], says: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_program(text)
    error = caught.value
    assert (error.line, error.column) == where
    assert str(error).startswith(f"line {where[0]}, column {where[1]}: ")
    assert says in str(error)
    assert "\n" not in str(error) and "Perhaps" not in str(error) and "print(" not in str(error)
    assert isinstance(error, StudioError)


def test_python_limits_become_the_refusal() -> None:
    for text in ["y = " + "+".join(["a"] * 20000), "x = " + "(" * 300 + "a" + ")" * 300,
                 "x = " + "-" * 100000 + "a", "x = a\0", "x = '\ud800'"]:
        with pytest.raises(ExpressionError, match=r"^line \d+, column \d+: "):
            parse_program(text)


def test_a_long_chain_within_python_limits_is_read_without_recursion() -> None:
    program = parse_program("y = " + "+".join(["a"] * 2500))
    assert sum(isinstance(node, Call) for node in walk(program.statements[0].value)) == 2499


VALID = [FOUNDING, NEURON, "def sq(x): return x * x\ny = sq(a) @ [[1, 2], [3, 4]]",
         "p = [1, 2, 3]; t = [0, 1, 1]\nL = mse(p, t)\nL2 = L ** 0.5 / max(a, b)"]
PIECES = ["(", ")", "[", "]", ",", ".", ":", "=", "+", "-", "*", "/", "**", "@", "'", "\n", ";", "#", " ",
          "lambda", "def", "return", "if", "for", "in", "import", "tanh", "x", "1", "1e999", "*", "=", "\\",
          "\t", "\0", "é", "not", "True", "(" * 250]


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, cut, piece in edits:
        position %= len(text) + 1
        text = text[:position] + piece + text[position + cut:]
    return text


def _must_be_refusal_or_program(text: str) -> None:
    """Read, or refused in one sentence; what is read also builds, or is refused so."""
    try:
        parse_program(text)
        build_document(text)
    except ExpressionError as error:
        assert str(error).startswith("line ") and "\n" not in str(error)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_random_text_is_read_or_refused(text: str) -> None:
    _must_be_refusal_or_program(text)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VALID),
       st.lists(st.tuples(st.integers(0, 400), st.integers(0, 3), st.sampled_from(PIECES)), min_size=1, max_size=4))
def test_mutated_programs_are_read_or_refused(text: str, edits: list[tuple[int, int, str]]) -> None:
    _must_be_refusal_or_program(_mutate(text, edits))
