"""The command line as a person types it: a word that is neither a command nor a
file is one line and status 2 before Qt starts (no display needed); `eval` and
`export` report argument errors in one style; `--scale` with SVG is refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.examples import SEED_EXAMPLE
from gui.command_line import file_arguments

ROOT = Path(__file__).resolve().parent.parent
ARGUMENT_ERROR = re.compile(r"^main\.py (eval|export): .+ \(usage: main\.py \1 GRAPH\.json.*\)$")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """main.py in its own process with no display and no Qt platform chosen: if Qt
    started, it would abort (status 134) instead of printing our line."""
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                          "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=cwd)


def test_a_word_that_is_neither_command_nor_file_is_one_line_and_status_2(tmp_path):
    result = run("frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "main.py: 'frobnicate' is neither a command (eval, export, build, train) nor a file\n"


def test_qt_is_never_imported_for_a_bad_word(tmp_path):
    code = (f"import sys, runpy; sys.argv = [{str(ROOT / 'main.py')!r}, 'frobnicate']\n"
            "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
            "except SystemExit as end:\n    print(end.code)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.stdout.split() == ["2", "[]"], result.stderr


@pytest.mark.parametrize(("word", "expected"), [
    ("missing.json", "main.py: 'missing.json' is neither a command (eval, export, build, train) nor a file"),
    ("evaluate", "main.py: 'evaluate' is neither a command (eval, export, build, train) nor a file"),
    ("folder", "main.py: 'folder' is a folder, not a graph file or a command (eval, export, build, train)"),
])
def test_other_words_that_cannot_open(tmp_path, word, expected):
    (tmp_path / "folder").mkdir()
    result = run(word, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, expected + "\n")


def test_qt_options_and_their_values_are_not_files():
    assert file_arguments(["-style", "fusion", "graph.json"]) == ["graph.json"]
    assert file_arguments(["--platform", "xcb"]) == []
    assert file_arguments(["-reverse", "graph.json"]) == ["graph.json"]


@pytest.mark.parametrize("args", [
    ["eval"],
    ["eval", str(SEED_EXAMPLE), "extra"],
    ["eval", str(SEED_EXAMPLE), "--check-everything"],
    ["export", str(SEED_EXAMPLE)],
    ["export", str(SEED_EXAMPLE), "out.png", "extra"],
    ["export", str(SEED_EXAMPLE), "out.png", "--scale", "big"],
    ["export", str(SEED_EXAMPLE), "out.png", "--scale", "0"],
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "sideways"],
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "999"],
    # The tangent stage needs a seed; a seed needs the tangent stage (or a step) and an input node.
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "tangent"],
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "backward", "--seed", "a"],
    ["export", str(SEED_EXAMPLE), "out.png", "--seed", "a"],
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "tangent", "--seed", "nowhere"],
    ["export", str(SEED_EXAMPLE), "out.png", "--stage", "tangent", "--seed", "d"],
    ["export", str(SEED_EXAMPLE), "out.svg", "--scale", "2"],
    ["export", str(SEED_EXAMPLE), "out.png", "--colour", "red"],
])
def test_eval_and_export_report_argument_errors_in_one_style(tmp_path, args):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and ARGUMENT_ERROR.match(lines[0]), lines
    assert list(tmp_path.iterdir()) == [], "nothing may be written"


def test_the_argument_errors_say_what_is_wrong(tmp_path):
    assert "required: graph" in run("eval", cwd=tmp_path).stderr
    assert "argument --scale: must be a number such as 2, not 'big'" in run(
        "export", str(SEED_EXAMPLE), "out.png", "--scale", "big", cwd=tmp_path).stderr
    assert "999 is outside this graph's trace, which has steps 0 to 10" in run(
        "export", str(SEED_EXAMPLE), "out.png", "--stage", "999", cwd=tmp_path).stderr


def test_scale_with_svg_is_refused_and_svg_without_scale_is_written(tmp_path):
    refused = run("export", str(SEED_EXAMPLE), "out.svg", "--scale", "2", cwd=tmp_path)
    assert refused.returncode == 2
    assert "argument --scale: only a PNG has pixels to scale" in refused.stderr
    written = run("export", str(SEED_EXAMPLE), "out.svg", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "out.svg").read_text().lstrip().startswith("<?xml")


def test_help_names_every_command(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for usage in ("main.py [GRAPH.json]", "main.py eval GRAPH.json", "main.py export GRAPH.json OUT.png|OUT.svg"):
        assert usage in result.stdout
    assert "GRAPH.json" in run("eval", "--help", cwd=tmp_path).stdout
