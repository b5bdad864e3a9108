"""One op registry per document: a copy of the built-ins by default, so an op added
to one document's registry is unknown to every other; a file is checked against, and
evaluated with, the registry it was read with."""

from __future__ import annotations

import numpy as np
import pytest

from engine.document import GraphDocument
from engine.errors import EditRefused, FileFormatError
from engine.evaluate import evaluate_plan
from engine.fileformat import parse_data
from engine.ops import OPS, Op, PortSpec
from engine.report import plan_from_spec

GRAPH = {
    "graph": {"output": "y"},
    "nodes": [{"id": "x", "op": "input", "value": 1.5}, {"id": "y", "op": "double"}],
    "edges": [{"source": "x", "target": "y", "port": 0}],
}


def with_double(registry):
    """A custom op: 2x, whose local derivative is 2."""
    port = PortSpec("x", "2", lambda args, out: np.float64(2.0))
    registry.register(Op("double", "2x", "Custom", "twice x", "2·{x}", lambda x: 2.0 * x, (port,)))
    return registry


def test_every_document_has_a_registry_of_its_own() -> None:
    first, second = GraphDocument(), GraphDocument()
    assert first.registry is not second.registry and first.registry is not OPS
    assert first.registry.names() == OPS.names()
    with_double(first.registry)
    assert "double" in first.registry
    assert "double" not in second.registry and "double" not in OPS
    first.add_node("double", node_id="d")
    with pytest.raises(EditRefused, match="double"):
        second.add_node("double")


def test_a_file_is_read_and_evaluated_with_its_registry() -> None:
    with pytest.raises(FileFormatError, match="double"):
        parse_data(GRAPH)
    spec = parse_data(GRAPH, with_double(OPS.copy()))
    # The command line's path (main.py eval) and the editor's both use the spec's ops.
    evaluation = evaluate_plan(plan_from_spec(spec))
    assert evaluation.ok and evaluation.value("y") == 3.0 and evaluation.grad("x") == 2.0
    document = GraphDocument.from_spec(spec)
    assert document.registry is spec.registry
    assert document.evaluation().grad("x") == 2.0


def test_opening_another_document_brings_its_registry() -> None:
    window_document = GraphDocument()
    opened = GraphDocument.from_spec(parse_data(GRAPH, with_double(OPS.copy())))
    window_document.replace_with(opened)
    assert window_document.registry is opened.registry
    assert window_document.evaluation().value("y") == 3.0


def test_a_file_read_without_a_registry_gets_a_copy_of_the_built_ins() -> None:
    spec = parse_data({"nodes": [{"id": "x", "op": "input", "value": 1.0}]})
    assert spec.registry is not OPS and spec.registry.names() == OPS.names()
