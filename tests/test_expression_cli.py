"""`main.py build` and `main.py export GRAPH OUT.txt`, run in-process as a script would:
text to a graph file and back; bad text is one line on stderr, status 2, no file."""

from __future__ import annotations

import io
import json

import pytest

import main
from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file

NEURON = "x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = 6.8813735870195432\no = tanh(x1*w1 + x2*w2 + b)\n"


def test_build_from_text_writes_a_graph_that_evaluates(tmp_path, capsys) -> None:
    out = tmp_path / "neuron.json"
    assert main.main(["build", "-e", NEURON, "-o", str(out)]) == 0
    document = GraphDocument.from_spec(read_file(out))
    evaluation = document.evaluation()
    assert evaluation.output == "o" and evaluation.value("o") == pytest.approx(2 ** -0.5, rel=1e-15)
    assert document.name_of("w1") == "w1" and document.attrs("w1")["label"] == "w1"
    assert capsys.readouterr() == ("", "")


def test_build_from_a_file_and_from_standard_input(tmp_path, capsys, monkeypatch) -> None:
    source = tmp_path / "d.txt"
    source.write_text("# the founding example\na = 2.2\nb = -1.8\nc = 0.1\nd = a * (b + c)\n", encoding="utf-8")
    assert main.main(["build", str(source)]) == 0
    from_file = json.loads(capsys.readouterr().out)
    monkeypatch.setattr("sys.stdin", io.StringIO(source.read_text(encoding="utf-8")))
    assert main.main(["build", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == from_file
    assert from_file["graph"]["output"] == "d"


@pytest.mark.parametrize(("args", "says"), [
    (["-e", "o = tanh(x.w)"], "-e: line 1, column 10: attribute access (x.y) is not allowed"),
    (["-e", "y = 1\ny = foo(y)"], "-e: line 2, column 5: there is no operation named foo"),
    (["-e", "def f(x): return f(x)\ny = f(2)"], "-e: line 1, column 18: f calls itself"),
    ([], "main.py build: give exactly one of FILE, - (standard input) or -e TEXT"),
    (["missing.txt"], "missing.txt: cannot read it"),
])
def test_bad_text_is_one_line_status_2_and_no_file(tmp_path, capsys, monkeypatch, args, says) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["main.py"])
    assert main.main(["build", *args, "-o", "out.json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(says) and captured.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_export_txt_builds_back_to_the_same_numbers(tmp_path, capsys) -> None:
    graph = EXAMPLES_DIR / "linear_layer_mse.json"
    text, rebuilt = tmp_path / "layer.txt", tmp_path / "layer.json"
    assert main.main(["export", str(graph), str(text)]) == 0
    assert main.main(["build", str(text), "-o", str(rebuilt)]) == 0
    ours = GraphDocument.from_spec(read_file(rebuilt)).evaluation()
    theirs = GraphDocument.from_spec(read_file(graph)).evaluation()
    assert ours.value(ours.output) == theirs.value(theirs.output)
    for name in ("W", "b"):
        assert (ours.grad(name) == theirs.grad(name)).all()


def test_export_txt_refuses_picture_options(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.argv", ["main.py"])
    out = tmp_path / "n.txt"
    assert main.main(["export", str(EXAMPLES_DIR / "tanh_neuron.json"), str(out), "--stage", "forward"]) == 2
    assert "argument --stage: only a picture has one" in capsys.readouterr().err
    assert not out.exists()
