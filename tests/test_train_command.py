"""`main.py train`: the loss per step as JSON lines, the trained graph written, and one
line with exit status 2 (nothing written) for a graph that cannot train. The shipped
training examples do what their names promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main
from engine.examples import EXAMPLES_DIR

ROOT = Path(__file__).resolve().parent.parent
LINE = EXAMPLES_DIR / "training_linear_regression.json"
MOONS = EXAMPLES_DIR / "training_two_moons_mlp.json"


def _train(capsys, *argv: str) -> tuple[int, list[dict], str]:
    status = main.main(["train", *argv])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines()], captured.err


def _nodes(path: Path) -> dict[str, dict]:
    return {node["id"]: node for node in json.loads(path.read_text())["nodes"]}


def test_linear_regression_recovers_its_slope(tmp_path, capsys):
    out = tmp_path / "trained.json"
    status, lines, err = _train(capsys, str(LINE), "--steps", "200", "--lr", "0.3", "-o", str(out))
    assert status == 0 and err == ""
    assert [line["step"] for line in lines] == list(range(1, 201))
    assert lines[-1]["loss"] < lines[0]["loss"]
    nodes = _nodes(out)
    x, y = np.array(nodes["X"]["value"])[:, 0], np.array(nodes["y"]["value"])[:, 0]
    slope, intercept = np.polyfit(x, y, 1)  # least squares, which gradient descent converges to
    assert nodes["w"]["value"] == pytest.approx(slope, abs=1e-3)
    assert nodes["b"]["value"] == pytest.approx(intercept, abs=1e-3)
    assert abs(slope - 2.0) < 0.05  # the line the data was drawn from
    # everything but the parameters as it was
    before = _nodes(LINE)
    assert {k: v for k, v in nodes.items() if k not in "wb"} == {k: v for k, v in before.items() if k not in "wb"}
    assert nodes["w"]["trainable"] is True


def test_the_loss_printed_is_the_loss_before_the_update(tmp_path, capsys):
    out = tmp_path / "one.json"
    _, first, _ = _train(capsys, str(LINE), "--steps", "1", "--lr", "0.3", "-o", str(out))
    _, second, _ = _train(capsys, str(out), "--steps", "1", "--lr", "0.3", "-o", str(tmp_path / "two.json"))
    y = np.array(_nodes(LINE)["y"]["value"])
    assert first[0]["loss"] == pytest.approx(float(np.mean(y ** 2)))  # w = b = 0 predict 0
    _, two_steps, _ = _train(capsys, str(LINE), "--steps", "2", "--lr", "0.3", "-o", str(tmp_path / "2.json"))
    assert two_steps[1]["loss"] == pytest.approx(second[0]["loss"], rel=1e-12)


def test_the_moons_mlp_trains_below_five_hundredths_with_adam(tmp_path, capsys):
    out = tmp_path / "moons.json"
    status, lines, _ = _train(capsys, str(MOONS), "--steps", "150", "--lr", "0.02", "--optimizer", "adam",
                              "-o", str(out))
    assert status == 0 and lines[-1]["loss"] < 0.05 < lines[0]["loss"]


def test_without_o_the_graph_is_trained_in_place(tmp_path, capsys):
    path = tmp_path / "line.json"
    path.write_bytes(LINE.read_bytes())
    status, _, _ = _train(capsys, str(path), "--steps", "3", "--lr", "0.1", "--optimizer", "momentum")
    assert status == 0 and _nodes(path)["w"]["value"] != 0.0


def test_a_graph_without_trainable_inputs_or_a_nan_loss_exits_2_and_writes_nothing(tmp_path, capsys):
    data = json.loads(LINE.read_text())
    for node in data["nodes"]:
        node.pop("trainable", None)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(data))
    out = tmp_path / "out.json"
    status, lines, err = _train(capsys, str(plain), "--steps", "5", "--lr", "0.1", "-o", str(out))
    assert status == 2 and lines == [] and not out.exists()
    assert err.count("\n") == 1 and err.startswith("Cannot train plain.json: the graph has no trainable input")
    status, lines, err = _train(capsys, str(LINE), "--steps", "500", "--lr", "50", "-o", str(out))
    assert status == 2 and not out.exists()
    # w overshoots further each step until the squared error overflows
    assert err == f"Cannot train {LINE.name}: the loss became inf at step {len(lines) + 1}; " \
                  "try a smaller learning rate; nothing was written.\n"


def test_bad_arguments_are_one_line(capsys):
    for argv in (["--steps", "0", "--lr", "0.1"], ["--steps", "3", "--lr", "-1"], ["--steps", "3"],
                 ["--steps", "3", "--lr", "0.1", "--optimizer", "rmsprop"]):
        status, lines, err = _train(capsys, str(LINE), *argv)
        assert status == 2 and lines == [] and err.count("\n") == 1 and "usage:" in err


def test_train_runs_as_a_process(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(LINE), "--steps", "2", "--lr", "0.1",
                             "-o", str(tmp_path / "out.json")], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["step"] for line in result.stdout.splitlines()] == [1, 2]
