"""How long the gradient check (engine.lens.gradcheck) takes on random graphs of a few
hundred to a few thousand nodes (benchmarks/make_graph.py's add/mul/relu DAGs),
as the Lens menu's Gradient Check runs it after every edit.

    python benchmarks/gradcheck_bench.py [300 1000 3000]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.make_graph import random_dag
from engine.evaluate import evaluate_plan
from engine.fileformat import parse_data
from engine.lens.gradcheck import check_gradients
from engine.report import plan_from_spec


def main(sizes: list[int]) -> None:
    for size in sizes:
        evaluation = evaluate_plan(plan_from_spec(parse_data(random_dag(size))))
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            check = check_gradients(evaluation)
            best = min(best, time.perf_counter() - start)
        print(f"{size:6d} nodes, {len(check.inputs):5d} inputs checked: {best * 1000:8.1f} ms "
              f"(max relative error {check.max_rel_error:.1e}, ok {check.ok})")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [300, 1000, 3000])
