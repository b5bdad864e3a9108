"""Engine speed on random DAGs, and `main.py eval` on a 130,000-node file as a whole process.

    python benchmarks/engine_bench.py            # 1k, 10k, 100k nodes, then the 130k eval
    python benchmarks/engine_bench.py --quick    # 1k and 10k only, no whole-process runs

Two paths are timed. The command-line path (`main.py eval`) reads the file straight
into a plan with the cyclic garbage collector paused, as engine.report does. The
editor path builds a GraphDocument (networkx) and evaluates it with its trace, as
the GUI does after opening a file. Each figure is the best of a few runs, in ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_graph import random_dag  # noqa: E402

from engine.document import GraphDocument  # noqa: E402
from engine.evaluate import _backward, _forward, evaluate_plan  # noqa: E402
from engine.fileformat import read_file  # noqa: E402
from engine.report import plan_from_spec, report_pieces  # noqa: E402

WHOLE_PROCESS_NODES = 130_000
TARGET_SECONDS = 1.0
"""Issue 10: 0.15 × micrograd's 6.8 s on this job (benchmarks/eval_vs_micrograd.py times micrograd here)."""


@contextmanager
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """(best wall time in ms, the last result)."""
    times = []
    result = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000.0, result


def bench_size(count: int, directory: Path) -> dict[str, float]:
    path = directory / f"dag{count}.json"
    path.write_text(json.dumps(random_dag(count, seed=count)), encoding="utf-8")
    repeats = 3 if count >= 100_000 else 5
    figures: dict[str, float] = {}

    with collector_paused(), np.errstate(all="ignore"):
        # engine.evaluate's own loops, timed apart (evaluate_plan runs them back to back).
        figures["load"], spec = best_of(repeats, lambda: read_file(path, keep_edges=False))  # as eval reads it
        figures["plan"], plan = best_of(repeats, lambda: plan_from_spec(spec))
        figures["forward"], (values, _) = best_of(repeats, lambda: _forward(plan))
        figures["backward"], _ = best_of(repeats, lambda: _backward(plan, values))
        evaluation = evaluate_plan(plan)
        figures["report"], _ = best_of(repeats, lambda: "".join(report_pieces(evaluation)))

    figures["document"], document = best_of(repeats, lambda: GraphDocument.from_spec(read_file(path)))
    figures["doc eval"], evaluation = best_of(repeats, lambda: evaluate_plan(document.plan()))
    figures["trace"], trace = best_of(repeats, lambda: evaluate_plan(document.plan()).trace)
    assert evaluation.ok and len(trace) > count
    return figures


def whole_process(directory: Path, runs: int) -> None:
    path = directory / f"dag{WHOLE_PROCESS_NODES}.json"
    path.write_text(json.dumps(random_dag(WHOLE_PROCESS_NODES, seed=1)), encoding="utf-8")
    size = path.stat().st_size / 1e6
    command = [sys.executable, str(ROOT / "main.py"), "eval", str(path)]
    print(f"\nmain.py eval on {WHOLE_PROCESS_NODES:,} add/mul/relu nodes ({size:.1f} MB), whole process,"
          f" target {TARGET_SECONDS} s:")
    if shutil.which("hyperfine"):
        shell_command = " ".join(command) + " > /dev/null"
        subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(runs), "--style", "basic", shell_command],
                       check=True)
        return
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    print(f"  best {min(times):.3f} s, median {statistics.median(times):.3f} s over {runs} runs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 10k nodes only, no whole-process runs")
    parser.add_argument("--runs", type=int, default=10, help="whole-process runs (default 10)")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    columns = ["load", "plan", "forward", "backward", "report", "document", "doc eval", "trace"]
    print("ms, best of several runs. load/plan/forward/backward/report: the main.py eval path"
          " (report = the JSON text eval prints);\ndocument/doc eval/trace: the editor path"
          " (GraphDocument.from_spec(read_file), evaluate, evaluate + trace)\n")
    print(f"{'nodes':>8}" + "".join(f"{name:>10}" for name in columns))
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        directory = Path(name)
        for count in sizes:
            figures = bench_size(count, directory)
            print(f"{count:>8,}" + "".join(f"{figures[c]:>10.1f}" for c in columns), flush=True)
        if not args.quick:
            whole_process(directory, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
