"""Write the two training examples in resources/examples/ (run again after changing
a dataset or the MLP builder; both come from fixed seeds, so the files reproduce):

    python benchmarks/make_training_examples.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.document import GraphDocument
from engine.fileformat import FORMAT, VERSION, parse_data, write_json_atomic
from engine.training.datasets import toy_dataset
from engine.training.networks import mlp_data
from engine.values import value_to_json

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def linear_regression() -> dict[str, Any]:
    """pred = X·w + b on 50 points of the noisy line y = 2x + 0.5; w and b start at 0."""
    x, y = toy_dataset("line", 50, seed=0)
    nodes = [{"id": "X", "op": "input", "label": "X", "value": value_to_json(x)},
             {"id": "y", "op": "input", "label": "y", "value": value_to_json(y)},
             {"id": "w", "op": "input", "label": "w", "value": 0.0, "trainable": True},
             {"id": "b", "op": "input", "label": "b", "value": 0.0, "trainable": True},
             {"id": "Xw", "op": "mul"}, {"id": "pred", "op": "add"}, {"id": "loss", "op": "mse"}]
    wires = [("X", "Xw", 0), ("w", "Xw", 1), ("Xw", "pred", 0), ("b", "pred", 1), ("pred", "loss", 0),
             ("y", "loss", 1)]
    graph = {"format": FORMAT, "version": VERSION, "name": "linear regression: find the slope of y = 2x + 0.5",
             "output": "loss", "training": {"optimizer": "sgd", "lr": 0.3}}
    return {"directed": True, "multigraph": True, "graph": graph, "nodes": nodes,
            "edges": [{"source": s, "target": t, "key": 0, "port": p} for s, t, p in wires]}


def moons_mlp() -> dict[str, Any]:
    """A 2-8-8-1 MLP (tanh, a sigmoid output) on 100 points of two moons."""
    x, y = toy_dataset("moons", 100, seed=0)
    data = mlp_data(x, y, (8, 8), seed=1, output_activation="sigmoid",
                    name="two moons: a small MLP (2-8-8-1, tanh)")
    data["graph"]["training"] = {"optimizer": "adam", "lr": 0.02}
    return data


def main() -> int:
    for stem, data in (("training_linear_regression", linear_regression()), ("training_two_moons_mlp", moons_mlp())):
        document = GraphDocument.from_spec(parse_data(data))  # laid out left to right
        write_json_atomic(EXAMPLES / f"{stem}.json", document.to_data())
        print(EXAMPLES / f"{stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
