"""Helpers for driving the canvas like a person and checking it against the document."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from engine.document import GraphDocument
from engine.values import value_to_json


def snapshot(document: GraphDocument) -> dict[str, Any]:
    """The whole document as comparable plain data (values as lists)."""
    nodes = {node_id: {key: value_to_json(value) if key == "value" else value for key, value in attrs.items()}
             for node_id, attrs in document.graph.nodes(data=True)}
    edges = sorted((s, t, k, tuple(sorted(attrs.items()))) for s, t, k, attrs in
                   document.graph.edges(keys=True, data=True))
    return {"graph": dict(document.graph.graph), "nodes": nodes, "edges": edges}


def assert_scene_mirrors_document(window) -> None:
    assert_mirrors(window.document, window.scene)


def assert_mirrors(document: GraphDocument, scene) -> None:
    """The scene shows exactly the document: same nodes at the same places, same wires and ports."""
    assert set(scene.node_items) == set(document.node_ids())
    for node_id, item in scene.node_items.items():
        # Qt compares points fuzzily (setPos ignores a move under ~1e-12), hence approx.
        assert (item.x(), item.y()) == pytest.approx(document.position(node_id), abs=1e-9)
        assert item.op.name == document.attrs(node_id)["op"]
        assert item.name == document.name_of(node_id)
    assert set(scene.edge_items) == set(document.edges())
    for edge, item in scene.edge_items.items():
        assert item.port == document.port_of(edge)
        assert item.source is scene.node_items[edge[0]]
        assert item.target is scene.node_items[edge[1]]
    for node_id, item in scene.node_items.items():
        wired = {document.port_of(e) for e in document.in_edges(node_id)}
        assert [port.connected for port in item.inputs] == [i in wired for i in range(len(item.inputs))]


def viewport_point(window, scene_point: QPointF) -> QPoint:
    return window.view.mapFromScene(scene_point)


def drag(window, start: QPointF, end: QPointF, modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 6) -> None:
    """Press at `start`, move in steps, release at `end` (scene coordinates)."""
    viewport = window.view.viewport()
    a, b = viewport_point(window, start), viewport_point(window, end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, a)
    for i in range(1, steps + 1):
        point = a + (b - a) * (i / steps)
        QTest.mouseMove(viewport, point)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, b)


def click(window, scene_point: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, modifiers, viewport_point(window, scene_point))
