"""Canvas speed: open a 5,000-node, 7,000-edge graph file into the editor window,
then repaint the view fitted to the whole graph. Prints seconds and milliseconds.

    QT_QPA_PLATFORM=offscreen python benchmarks/canvas_bench.py [--nodes 5000 --edges 7000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

UNARY = ["tanh", "exp", "neg", "sigmoid", "relu", "square"]
BINARY = ["add", "mul", "sub", "max"]


def random_graph(nodes: int, edges: int, seed: int = 1) -> dict:
    """A random DAG: inputs first, then unary and binary ops mixed to hit `edges`,
    laid out in columns as the app would place them."""
    rng = random.Random(seed)
    ops_count = nodes * 4 // 5
    binary = max(0, min(ops_count, edges - ops_count))
    unary = ops_count - binary
    leaves = nodes - ops_count
    kinds = ["b"] * binary + ["u"] * unary
    rng.shuffle(kinds)
    data_nodes, data_edges = [], []
    per_column = 60
    for i in range(leaves):
        data_nodes.append({"id": f"n{i}", "op": "input", "value": rng.uniform(-1, 1),
                           "x": (i // per_column) * 300.0, "y": (i % per_column) * 130.0})
    for j, kind in enumerate(kinds):
        i = leaves + j
        op = rng.choice(BINARY if kind == "b" else UNARY)
        data_nodes.append({"id": f"n{i}", "op": op, "x": (i // per_column) * 300.0, "y": (i % per_column) * 130.0})
        for port in range(2 if kind == "b" else 1):
            source = rng.randrange(max(0, i - 400), i)
            data_edges.append({"source": f"n{source}", "target": f"n{i}", "key": port, "port": port})
    return {"directed": True, "multigraph": True,
            "graph": {"format": "backprop-studio", "version": 1, "name": "benchmark", "output": f"n{nodes - 1}"},
            "nodes": data_nodes, "edges": data_edges}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=7000)
    parser.add_argument("--repaints", type=int, default=10)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from engine.document import GraphDocument
    from engine.fileformat import read_file
    from gui.main_window import MainWindow

    data = random_graph(args.nodes, args.edges)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        path.write_text(json.dumps(data))
        t0 = time.perf_counter()
        document = GraphDocument.from_spec(read_file(path))
        t1 = time.perf_counter()
        window = MainWindow(document)
        t2 = time.perf_counter()
        window.resize(1400, 900)
        window.show()
        window.view.fit_graph()
        app.processEvents()
        t3 = time.perf_counter()

    print(f"graph: {len(document)} nodes, {len(document.edges())} edges "
          f"({sys.platform}, Qt platform {os.environ['QT_QPA_PLATFORM']})")
    print(f"open: read + document {t1 - t0:.3f} s, window + scene + evaluation {t2 - t1:.3f} s, "
          f"first show {t3 - t2:.3f} s, total {t3 - t0:.3f} s")

    def repaint_ms() -> float:
        start = time.perf_counter()
        window.view.viewport().repaint()
        return (time.perf_counter() - start) * 1000

    fitted = [repaint_ms() for _ in range(args.repaints)]
    print(f"full repaint, fitted to the whole graph (zoom {window.view.zoom():.3f}): "
          f"median {statistics.median(fitted):.1f} ms, max {max(fitted):.1f} ms")
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.node_items[f"n{args.nodes // 2}"])
    close = [repaint_ms() for _ in range(args.repaints)]
    print(f"full repaint at 100% zoom: median {statistics.median(close):.1f} ms, max {max(close):.1f} ms")
    print(f"pan at 100% zoom (40 px per frame): {pan_ms(window, app)}")
    window.view.fit_graph()
    window.view.set_zoom(0.5)
    window.view.centerOn(window.scene.node_items[f"n{args.nodes // 2}"])
    print(f"pan at 50% zoom (40 px per frame): {pan_ms(window, app)}")

    report_edit(window, app, "n0")
    close_without_asking(window)

    from engine.fileformat import parse_data

    small = MainWindow(GraphDocument.from_spec(parse_data(random_graph(1000, 1400))))
    small.resize(1400, 900)
    small.show()
    small.view.fit_graph()
    app.processEvents()
    print("graph: 1000 nodes, 1400 edges")
    report_edit(small, app, "n0")
    close_without_asking(small)


def close_without_asking(window) -> None:
    """The edits above are the benchmark's own: closing must not wait on Save/Discard/Cancel."""
    window.editor.undo_stack.setClean()
    window.close()


def pan_ms(window, app, frames: int = 30) -> str:
    """Scroll the view 40 px at a time and repaint, as a drag-pan does once per frame."""
    bar = window.view.horizontalScrollBar()
    times = []
    for i in range(frames):
        start = time.perf_counter()
        bar.setValue(bar.value() + (40 if i < frames // 2 else -40))
        window.view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms per frame"


def report_edit(window, app, node_id: str) -> None:
    """An edit's cost, split: the undo command, evaluation, updating every card and wire."""
    timings: dict[str, list[float]] = {"command": [], "evaluate": [], "display": [], "repaint": []}
    for value in ("0.5", "0.25", "-0.75", "1.5", "0.125"):
        start = time.perf_counter()
        window.editor.set_value_text(node_id, value)
        after_command = time.perf_counter()
        window.document.evaluation()
        after_evaluation = time.perf_counter()
        window.presenter.refresh()  # (the evaluation is cached by revision: this is the display update)
        after_display = time.perf_counter()
        window.view.viewport().repaint()
        after_repaint = time.perf_counter()
        timings["command"].append((after_command - start) * 1000)
        timings["evaluate"].append((after_evaluation - after_command) * 1000)
        timings["display"].append((after_display - after_evaluation) * 1000)
        timings["repaint"].append((after_repaint - after_display) * 1000)
    parts = ", ".join(f"{name} {statistics.median(values):.1f} ms" for name, values in timings.items())
    total = sum(statistics.median(values) for values in timings.values())
    print(f"edit a value → new numbers on screen (median of 5): {parts}; total {total:.1f} ms")


if __name__ == "__main__":
    main()
