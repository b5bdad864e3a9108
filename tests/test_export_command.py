"""`main.py export`: pictures of the animation's stages, drawn offscreen by the
window's own scene; bad input is one line on stderr, status 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from engine.examples import SEED_EXAMPLE
from gui.export.subcommand import export_main

ROOT = Path(__file__).resolve().parent.parent


def pixels(path: Path) -> tuple[int, int, bytes]:
    image = QImage(str(path))
    assert not image.isNull(), path
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    return image.width(), image.height(), bytes(image.constBits())


def distinct_colours(data: bytes, sample: int = 4001) -> int:
    return len({data[i:i + 4] for i in range(0, len(data) - 4, 4 * sample)} | {data[:4]})


def export(tmp_path: Path, name: str, *args: str, graph: Path = SEED_EXAMPLE) -> tuple[int, Path]:
    out = tmp_path / name
    return export_main([str(graph), str(out), *args]), out


def test_the_three_stages_are_three_different_pictures(tmp_path, qapp):
    pictures = {}
    for stage in ("input", "forward", "backward"):
        status, out = export(tmp_path, f"{stage}.png", "--stage", stage)
        assert status == 0
        width, height, data = pixels(out)
        assert width > 200 and height > 100
        assert distinct_colours(data) > 3, f"{stage} looks blank"
        pictures[stage] = data
    assert len(set(pictures.values())) == 3


def test_a_step_number_shows_the_state_after_that_many_steps(tmp_path, qapp):
    _, start = export(tmp_path, "start.png", "--stage", "0")
    _, named_input = export(tmp_path, "input.png", "--stage", "input")
    _, everything = export(tmp_path, "all.png", "--stage", "10")
    _, backward = export(tmp_path, "backward.png", "--stage", "backward")
    _, middle = export(tmp_path, "middle.png", "--stage", "7")
    assert pixels(start) == pixels(named_input)
    # Step 10 is the last: the same numbers as "backward", but its step stays highlighted
    # and labelled, where the named stage is a clean picture for slides.
    assert pixels(everything) != pixels(backward)
    assert pixels(middle) != pixels(backward)


def test_a_named_stage_shows_every_number_without_a_current_step(window):
    presenter, trace = window.presenter, window.presenter.evaluation.trace
    presenter.show_step(len(trace))
    highlighted = [item for item in window.scene.node_items.values() if item.look.highlight]
    assert highlighted, "the last step is current after stepping to the end"
    last_step_looks = {n: item.look._replace(highlight=None) for n, item in window.scene.node_items.items()}
    presenter.show_step(len(trace), current=False)
    assert not any(item.look.highlight for item in window.scene.node_items.values())
    assert not any(item.look.highlight or item.look.label for item in window.scene.edge_items.values())
    assert {n: item.look for n, item in window.scene.node_items.items()} == last_step_looks


def test_svg_is_valid_and_keeps_the_numbers_as_text(tmp_path, qapp):
    status, out = export(tmp_path, "graph.svg", "--stage", "forward")
    assert status == 0
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    texts = "".join(element.text or "" for element in root.iter() if element.tag.endswith("text"))
    assert "-3.74" in texts  # d's value, computed in the forward pass
    assert "-1.7" in texts


def test_scale_two_doubles_the_png(tmp_path, qapp):
    _, one = export(tmp_path, "one.png")
    status, two = export(tmp_path, "two.png", "--scale", "2")
    assert status == 0
    w1, h1, _ = pixels(one)
    w2, h2, _ = pixels(two)
    assert abs(w2 - 2 * w1) <= 1 and abs(h2 - 2 * h1) <= 1


def half_built(tmp_path: Path) -> Path:
    """d = a * ? : the mul has nothing in its second port, so d cannot be computed."""
    data = json.loads(SEED_EXAMPLE.read_text())
    data["edges"] = [e for e in data["edges"] if not (e["target"] == "d" and e["port"] == 1)]
    path = tmp_path / "half.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("case", "args"), [
    ("missing file", ["{tmp}/nowhere.json", "{tmp}/out.png"]),
    ("not a graph", ["{tmp}/junk.json", "{tmp}/out.png"]),
    ("unknown stage", [str(SEED_EXAMPLE), "{tmp}/out.png", "--stage", "sideways"]),
    ("step past the end", [str(SEED_EXAMPLE), "{tmp}/out.png", "--stage", "11"]),
    ("negative step", [str(SEED_EXAMPLE), "{tmp}/out.png", "--stage", "-1"]),
    ("bad extension", [str(SEED_EXAMPLE), "{tmp}/out.jpg"]),
    ("bad scale", [str(SEED_EXAMPLE), "{tmp}/out.png", "--scale", "0"]),
    ("scale too big", [str(SEED_EXAMPLE), "{tmp}/out.png", "--scale", "17"]),
    ("scale not a number", [str(SEED_EXAMPLE), "{tmp}/out.png", "--scale", "big"]),
    ("no folder", [str(SEED_EXAMPLE), "{tmp}/missing/out.png"]),
    ("output not computable", ["{tmp}/half.json", "{tmp}/out.png"]),
    ("missing argument", [str(SEED_EXAMPLE)]),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, qapp, capsys, case, args):
    (tmp_path / "junk.json").write_text("{not json")
    half_built(tmp_path)
    before = set(tmp_path.rglob("*"))
    status = export_main([arg.format(tmp=tmp_path) for arg in args])
    err = capsys.readouterr().err
    assert status == 2, case
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert set(tmp_path.rglob("*")) == before, "nothing may be written"


def test_the_unfinished_graph_message_names_the_node(tmp_path, qapp, capsys):
    status = export_main([str(half_built(tmp_path)), str(tmp_path / "out.png")])
    assert status == 2
    assert "d" in capsys.readouterr().err.split(":", 1)[1]


def test_help_prints_usage(capsys):
    assert export_main(["--help"]) == 0
    assert "--stage" in capsys.readouterr().out


def test_main_py_export_runs_headless(tmp_path):
    """The real command line, in its own process (no display, no window)."""
    out = tmp_path / "forward.png"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(SEED_EXAMPLE), str(out),
                           "--stage", "forward"], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert pixels(out)[0] > 200
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(SEED_EXAMPLE), str(tmp_path / "x.bmp")],
                         env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1
