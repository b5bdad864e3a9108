"""The GUI reaches the graph only through GraphDocument: no gui module imports
networkx, and what the document hands out cannot be changed behind its back."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

from engine.document import GraphDocument
from engine.errors import EditRefused

GUI = Path(__file__).resolve().parent.parent / "gui"
GUI_FILES = sorted(GUI.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(GUI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_there_are_gui_modules_to_check() -> None:
    assert len(GUI_FILES) > 30 and GUI / "canvas" / "wire_drag.py" in GUI_FILES


@pytest.mark.parametrize("path", GUI_FILES, ids=lambda path: str(path.relative_to(GUI)))
def test_no_gui_module_imports_networkx(path: Path, qapp) -> None:
    imports = imported_modules(path)
    assert not [name for name in imports if name.split(".")[0] == "networkx"]
    # Nor through a name it took from elsewhere (`from engine.x import nx`).
    module = importlib.import_module(module_name(path))
    for name, value in vars(module).items():
        origin = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        assert not str(origin).startswith("networkx"), f"{module.__name__}.{name} comes from networkx"


def test_node_attrs_are_a_read_only_live_view(seed_document: GraphDocument) -> None:
    attrs = seed_document.attrs("a")
    with pytest.raises(TypeError):
        attrs["value"] = 5.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        attrs.pop("label")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        attrs.update(op="exp")  # type: ignore[attr-defined]
    assert seed_document.evaluation().value("a") == 2.2
    seed_document.set_value("a", 3.0)
    assert attrs["value"] == 3.0  # a view of the node, not a snapshot
    assert dict(attrs) == {**attrs}  # a copy is an ordinary dict to keep (undo does)


def test_edge_attrs_are_read_only(seed_document: GraphDocument) -> None:
    edge = seed_document.edge_into("d", 1)
    attrs = seed_document.edge_attrs(edge)
    assert attrs["port"] == 1
    with pytest.raises(TypeError):
        attrs["port"] = 0  # type: ignore[index]
    assert seed_document.port_of(edge) == 1


def test_ancestors_and_descendants_follow_the_wires(seed_document: GraphDocument) -> None:
    # d = a*(b+c), with s = b+c
    assert seed_document.ancestors("d") == {"a", "b", "c", "s"}
    assert seed_document.ancestors("s") == {"b", "c"}
    assert seed_document.ancestors("a") == set()
    assert seed_document.descendants("b") == {"s", "d"}
    assert seed_document.descendants("d") == set()
    # What they say is what the document refuses: wiring into an ancestor closes a cycle.
    for node_id in seed_document.node_ids():
        for ancestor in seed_document.ancestors(node_id):
            if seed_document.op_of(ancestor).is_leaf:
                continue  # no input port to wire into
            with pytest.raises(EditRefused, match="cycle"):
                seed_document.check_connection(node_id, ancestor, 0)


def test_graph_attributes_read_through_the_document(seed_document: GraphDocument) -> None:
    assert seed_document.graph_attr("output") == "d"
    assert seed_document.graph_attr("name") == seed_document.name == "d = a*(b+c)"
    assert seed_document.graph_attr("missing", 7) == 7
    seed_document.set_output(None)
    assert seed_document.graph_attr("output") is None


def test_laid_out_places_every_node_left_to_right(seed_document: GraphDocument) -> None:
    positions = seed_document.laid_out()
    assert set(positions) == set(seed_document.node_ids())
    for source, target, _key in seed_document.edges():
        assert positions[source][0] < positions[target][0]
