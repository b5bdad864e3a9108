"""`python main.py eval FILE` as a whole process: the JSON it prints, and exit status
2 with one line on stderr, naming the place, for files and outputs it cannot handle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "resources" / "examples" / "d_equals_a_times_b_plus_c.json"


def run_eval(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "eval", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **graph_attrs: Any) -> dict[str, Any]:
    return {"directed": True, "multigraph": True,
            "graph": {"format": "backprop-studio", "version": 1, **graph_attrs},
            "nodes": nodes, "edges": edges}


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "graph.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_eval_prints_every_value_and_gradient() -> None:
    result = run_eval(SEED)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert set(report) == {"output", "nodes"}
    assert report["output"] == "d"
    assert set(report["nodes"]) == {"a", "b", "c", "s", "d"}
    assert all(set(entry) == {"value", "grad"} for entry in report["nodes"].values())
    assert report["nodes"]["d"]["value"] == pytest.approx(-3.74, rel=1e-12)
    assert report["nodes"]["d"]["grad"] == 1.0
    assert report["nodes"]["a"]["grad"] == pytest.approx(-1.7, rel=1e-12)
    assert report["nodes"]["b"]["grad"] == pytest.approx(2.2, rel=1e-12)
    assert report["nodes"]["c"]["grad"] == pytest.approx(2.2, rel=1e-12)


def test_eval_prints_arrays_as_nested_lists_and_null_gradients(tmp_path: Path) -> None:
    path = write(tmp_path, graph(
        [{"id": "W", "op": "input", "value": [[1, 2], [3, 4]]},
         {"id": "k", "op": "constant", "value": [1, -1]},
         {"id": "lonely", "op": "input", "value": 3},
         {"id": "y", "op": "matmul"},
         {"id": "L", "op": "sum"}],
        [{"source": "W", "target": "y", "port": 0}, {"source": "k", "target": "y", "port": 1},
         {"source": "y", "target": "L", "port": 0}],
        output="L"))
    result = run_eval(path)
    assert result.returncode == 0, result.stderr
    nodes = json.loads(result.stdout)["nodes"]
    assert nodes["y"] == {"value": [-1.0, -1.0], "grad": [1.0, 1.0]}
    assert nodes["W"] == {"value": [[1.0, 2.0], [3.0, 4.0]], "grad": [[1.0, -1.0], [1.0, -1.0]]}
    assert nodes["k"]["grad"] is None
    assert nodes["lonely"] == {"value": 3.0, "grad": None}
    assert nodes["L"] == {"value": -2.0, "grad": 1.0}


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", ["not JSON"]),
    (graph([{"id": "a", "op": "input"}, {"id": "m", "op": "mul"}],
           [{"source": "a", "target": "m", "port": 0}, {"source": "a", "target": "m", "port": 0}]),
     ["two edges", "'m'"]),
    (graph([{"id": "a", "op": "wibble"}], []), ["node 'a'", "wibble"]),
])
def test_a_malformed_file_exits_2_with_one_line(tmp_path: Path, content: Any, words: list[str]) -> None:
    result = run_eval(write(tmp_path, content))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot open graph.json: ")
    for word in words:
        assert word in lines[0]


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_eval(tmp_path / "absent.json")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "absent.json" in result.stderr


@pytest.mark.parametrize(("nodes", "edges", "words"), [
    ([{"id": "a", "op": "input", "label": "weight"}, {"id": "b", "op": "input", "value": 1},
      {"id": "m", "op": "mul"}],
     [{"source": "a", "target": "m", "port": 0}, {"source": "b", "target": "m", "port": 1}],
     ["weight"]),
    ([{"id": "a", "op": "input", "value": [1, 2]}, {"id": "b", "op": "input", "value": [1, 2, 3]},
      {"id": "plus", "op": "add"}],
     [{"source": "a", "target": "plus", "port": 0}, {"source": "b", "target": "plus", "port": 1}],
     ["plus", "2", "3"]),
    ([{"id": "a", "op": "input", "value": 1}, {"id": "m", "op": "mul"}],
     [{"source": "a", "target": "m", "port": 0}],
     ["m", "b"]),
])
def test_an_output_that_cannot_be_computed_exits_2_naming_the_node(
        tmp_path: Path, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], words: list[str]) -> None:
    result = run_eval(write(tmp_path, graph(nodes, edges)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot compute the output: ")
    for word in words:
        assert word in lines[0]


def test_domain_problems_are_not_errors(tmp_path: Path) -> None:
    path = write(tmp_path, graph([{"id": "x", "op": "input", "value": -1}, {"id": "l", "op": "log"}],
                                 [{"source": "x", "target": "l", "port": 0}]))
    result = run_eval(path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "NaN" in result.stdout


def test_eval_does_not_import_networkx_or_qt() -> None:
    # The eval fast path compiles the file straight into a plan; importing networkx
    # alone would cost a tenth of its time budget on a big file.
    code = ("import sys, runpy; sys.argv = ['main.py', 'eval', sys.argv[1]]\n"
            "try:\n    runpy.run_path('main.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('networkx', 'PySide6')), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert json.loads(result.stdout)["output"] == "d"
    assert result.stderr.strip() == "[]"
