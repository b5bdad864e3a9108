"""Training steps per second: a 2-16-16-1 MLP (matmul, add a bias, tanh; mse) on
100 points of two moons, float64, beside PyTorch eager on the same graph with the
same numbers when torch is importable.

    python benchmarks/train_bench.py [--steps N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from engine.fileformat import parse_data
from engine.report import plan_from_spec
from engine.training.datasets import toy_dataset
from engine.training.networks import mlp_data
from engine.training.run import Trainer, trainable_ids


def ours(data: dict[str, Any], optimizer: str, lr: float, steps: int) -> tuple[float, list[float]]:
    spec = parse_data(data)
    trainer = Trainer(plan_from_spec(spec), trainable_ids(spec.nodes), optimizer, lr)
    for _ in range(20):  # warm up (first calls allocate the optimiser's state)
        trainer.step()
    start = time.perf_counter()
    losses = [trainer.step() for _ in range(steps)]
    return steps / (time.perf_counter() - start), losses


def theirs(data: dict[str, Any], optimizer: str, lr: float, steps: int) -> tuple[float, list[float]] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    values = {node["id"]: torch.tensor(node["value"], dtype=torch.float64, requires_grad=bool(node.get("trainable")))
              for node in data["nodes"] if node["op"] == "input"}
    x, y = values["X"], values["y"]
    params = [values[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
    w1, b1, w2, b2, w3, b3 = params
    kinds = {"sgd": lambda: torch.optim.SGD(params, lr=lr),
             "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
             "adam": lambda: torch.optim.Adam(params, lr=lr, foreach=False)}
    opt = kinds[optimizer]()

    def step() -> float:
        opt.zero_grad()
        loss = torch.mean((torch.tanh(torch.tanh(x @ w1 + b1) @ w2 + b2) @ w3 + b3 - y) ** 2)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(20):
        step()
    start = time.perf_counter()
    losses = [step() for _ in range(steps)]
    return steps / (time.perf_counter() - start), losses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3000)
    args = parser.parse_args()
    x, y = toy_dataset("moons", 100, seed=0)
    data = mlp_data(x, y, (16, 16), seed=1)
    print(f"2-16-16-1 MLP (matmul, tanh), 100 points, float64, {args.steps} steps after 20 to warm up")
    for optimizer, lr in (("sgd", 0.1), ("momentum", 0.05), ("adam", 0.01)):
        rate, losses = ours(data, optimizer, lr, args.steps)
        line = f"{optimizer:>8}: ours {rate:8.0f} steps/s ({1e3 / rate:.3f} ms a step)"
        torch_result = theirs(data, optimizer, lr, args.steps)
        if torch_result is not None:
            torch_rate, torch_losses = torch_result
            # Over the first steps: late in a run Adam amplifies last-bit differences
            # (numpy's and torch's matrix products sum in different orders).
            first = min(len(losses), 500)
            gap = float(np.max(np.abs(np.array(losses[:first]) / np.array(torch_losses[:first]) - 1)))
            line += (f"   torch eager {torch_rate:8.0f} steps/s ({1e3 / torch_rate:.3f} ms)   "
                     f"ours/torch {rate / torch_rate:.1f}x   loss relative difference {gap:.0e} "
                     f"over the first {first} steps")
        print(line, flush=True)
    if theirs(data, "sgd", 0.1, 1) is None:
        print("(torch is not installed: no comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
