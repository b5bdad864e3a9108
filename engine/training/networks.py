"""Small trainable networks as graph files: the multilayer perceptron the training
examples, the benchmark and the tests build (matmul, add a bias, an activation per
layer, mse against the targets)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.fileformat import FORMAT, VERSION
from engine.values import value_to_json


def mlp_data(x: np.ndarray, y: np.ndarray, hidden: Sequence[int], *, seed: int = 0, activation: str = "tanh",
             output_activation: str | None = None, name: str = "") -> dict[str, Any]:
    """File data of an MLP from X (N×d) through `hidden` layers to y's width, loss
    mse(prediction, y). Weights W1, W2, ... are drawn from N(0, 1/fan-in) with numpy's
    generator seeded by `seed`, biases b1, b2, ... (1×width rows) start at zero; both
    are trainable. Positions are left to the editor's automatic layout."""
    rng = np.random.default_rng(seed)
    nodes: list[dict[str, Any]] = [{"id": "X", "op": "input", "label": "X", "value": value_to_json(x)},
                                   {"id": "y", "op": "input", "label": "y", "value": value_to_json(y)}]
    edges: list[dict[str, Any]] = []

    def node(node_id: str, op: str, *inputs: str) -> str:
        nodes.append({"id": node_id, "op": op})
        edges.extend({"source": source, "target": node_id, "key": 0, "port": port}
                     for port, source in enumerate(inputs))
        return node_id

    widths = [x.shape[1], *hidden, y.shape[1]]
    current = "X"
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(widths), 1):
        weights = rng.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
        nodes.append({"id": f"W{layer}", "op": "input", "label": f"W{layer}", "value": value_to_json(weights),
                      "trainable": True})
        nodes.append({"id": f"b{layer}", "op": "input", "label": f"b{layer}",
                      "value": value_to_json(np.zeros((1, fan_out))), "trainable": True})
        current = node(f"z{layer}", "add", node(f"xw{layer}", "matmul", current, f"W{layer}"), f"b{layer}")
        last = layer == len(widths) - 1
        squash = output_activation if last else activation
        if squash:
            current = node(f"h{layer}" if not last else "p", squash, current)
    node("loss", "mse", current, "y")
    graph = {"format": FORMAT, "version": VERSION, "name": name or "MLP", "output": "loss"}
    return {"directed": True, "multigraph": True, "graph": graph, "nodes": nodes, "edges": edges}
