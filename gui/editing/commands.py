"""Undo commands. Each one only calls document methods, records what it needs to
put things back exactly, and never touches a graphics item (the scene observes
the document). Compound edits are a parent command with children."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from engine.document import GraphDocument
from engine.errors import EditRefused
from engine.plan import Edge
from engine.values import format_value


class DocumentCommand(QUndoCommand):
    """Base of every command here. Compound edits nest in Python, not through Qt's
    parent/child commands: PySide does not give a Qt parent ownership of a Python
    child, so either the child's wrapper is collected while Qt still runs it, or both
    delete it (a crash either way)."""

    def __init__(self, text: str, parent: CompoundCommand | None = None) -> None:
        super().__init__(text)
        if parent is not None:
            parent.parts.append(self)


class CompoundCommand(DocumentCommand):
    """Runs its parts in order; undoes them in reverse."""

    def __init__(self, text: str, parent: CompoundCommand | None = None) -> None:
        super().__init__(text, parent)
        self.parts: list[DocumentCommand] = []

    def redo(self) -> None:
        for part in self.parts:
            part.redo()

    def undo(self) -> None:
        for part in reversed(self.parts):
            part.undo()


class InsertNodeCommand(DocumentCommand):
    """Insert a node with a fixed id and recorded attributes (add, paste, undo of delete)."""

    def __init__(self, document: GraphDocument, node_id: str, attrs: dict[str, Any],
                 parent: CompoundCommand | None = None) -> None:
        super().__init__(f"Add {attrs['op']} {node_id}", parent)
        self.document, self.node_id, self.attrs = document, node_id, dict(attrs)

    def redo(self) -> None:
        self.document.insert_node(self.node_id, self.attrs)

    def undo(self) -> None:
        self.document.remove_node(self.node_id)


class RemoveNodeCommand(DocumentCommand):
    """Remove a node whose wires are already gone (a sibling command removed them)."""

    def __init__(self, document: GraphDocument, node_id: str, parent: CompoundCommand | None = None) -> None:
        super().__init__(f"Delete {node_id}", parent)
        self.document, self.node_id = document, node_id
        self.attrs = dict(document.attrs(node_id))

    def redo(self) -> None:
        self.document.remove_node(self.node_id)

    def undo(self) -> None:
        self.document.insert_node(self.node_id, self.attrs)


class InsertEdgeCommand(DocumentCommand):
    def __init__(self, document: GraphDocument, source: str, target: str, key: int, attrs: dict[str, Any],
                 parent: CompoundCommand | None = None) -> None:
        super().__init__(f"Connect {source} → {target}", parent)
        self.document = document
        self.edge: Edge = (source, target, key)
        self.attrs = dict(attrs)

    def redo(self) -> None:
        self.document.insert_edge(*self.edge, self.attrs)

    def undo(self) -> None:
        self.document.remove_edge(self.edge)


class RemoveEdgeCommand(DocumentCommand):
    def __init__(self, document: GraphDocument, edge: Edge, parent: CompoundCommand | None = None) -> None:
        super().__init__(f"Disconnect {edge[0]} → {edge[1]}", parent)
        self.document, self.edge = document, edge
        self.attrs = dict(document.edge_attrs(edge))

    def redo(self) -> None:
        self.document.remove_edge(self.edge)

    def undo(self) -> None:
        self.document.insert_edge(*self.edge, self.attrs)


def add_node_command(document: GraphDocument, op: str, x: float, y: float, *, name: str | None = None,
                     value: Any = None, parent: CompoundCommand | None = None) -> InsertNodeCommand:
    """A new node of `op` at (x, y), with the id it will keep through undo and redo: the
    name typed for it (checked: raises EditRefused), or a fresh one such as `tanh1`."""
    label = None
    if name is not None:
        node_id = label = document.check_new_name(name)
    else:
        node_id = document.new_node_id(op)
    command = InsertNodeCommand(document, node_id, document.new_node_attrs(op, x, y, label=label, value=value),
                                parent)
    command.setText(f"Add {node_id} ({op})" if name is not None else f"Add {op}")
    return command


def add_wired_node_command(document: GraphDocument, op: str, x: float, y: float, anchor: tuple[str, int], *,
                           name: str | None = None, value: Any = None) -> CompoundCommand:
    """A new node wired to `anchor` (node id, port; -1 is its output, which then feeds
    the new node's first input), as one step. Raises EditRefused."""
    anchor_id, anchor_port = anchor
    command = CompoundCommand("")
    node = add_node_command(document, op, x, y, name=name, value=value, parent=command)
    new_id = node.node_id
    if anchor_port < 0:
        if document.registry[op].arity == 0:
            raise EditRefused(f"{op} has no input port to take the wire from {document.name_of(anchor_id)}")
        source, target, port = anchor_id, new_id, 0
    else:
        if anchor_port >= document.op_of(anchor_id).arity:
            raise EditRefused(f"{document.name_of(anchor_id)} has no input port {anchor_port}")
        source, target, port = new_id, anchor_id, anchor_port
        occupant = document.edge_into(anchor_id, anchor_port)
        if occupant is not None:
            RemoveEdgeCommand(document, occupant, command)
    # A brand-new node has no wires, so this wire can close no cycle.
    InsertEdgeCommand(document, source, target, 0, {"port": port}, command)
    port_name = document.registry[op].port_names[port] if anchor_port < 0 else \
        document.op_of(anchor_id).port_names[port]
    shown_target = new_id if anchor_port < 0 else document.name_of(anchor_id)
    shown_source = document.name_of(anchor_id) if anchor_port < 0 else new_id
    command.setText(f"Add {new_id} ({op}), wired {shown_source} → {shown_target}.{port_name}")
    return command


def connect_command(document: GraphDocument, source: str, target: str, port: int,
                    parent: CompoundCommand | None = None) -> DocumentCommand:
    """Wire source → target:port, replacing what was in that port. Raises EditRefused.
    With `parent`, the steps are added to it (a compound edit) and it is returned."""
    occupant = document.check_connection(source, target, port)
    port_name = document.op_of(target).port_names[port]
    command = parent or CompoundCommand(
        f"Connect {document.name_of(source)} → {document.name_of(target)}.{port_name}")
    if occupant is not None:
        RemoveEdgeCommand(document, occupant, command)
    key = document.new_edge_key(source, target)
    if occupant is not None and occupant[:2] == (source, target):
        key = occupant[2]
    InsertEdgeCommand(document, source, target, key, {"port": port}, command)
    return command


def remove_items_command(document: GraphDocument, node_ids: list[str], edges: list[Edge]) -> DocumentCommand:
    """Delete nodes with every wire they touch, and loose wires: wires first, so undo
    puts the nodes back before their wires."""
    all_edges = dict.fromkeys([*edges, *document.edges_touching(node_ids)])
    parts = []
    if node_ids:
        parts.append(f"{len(node_ids)} node{'s' * (len(node_ids) != 1)}")
    if all_edges:
        parts.append(f"{len(all_edges)} wire{'s' * (len(all_edges) != 1)}")
    command = CompoundCommand("Delete " + " and ".join(parts))
    for edge in all_edges:
        RemoveEdgeCommand(document, edge, command)
    for node_id in node_ids:
        RemoveNodeCommand(document, node_id, command)
    if node_ids and document.requested_output in node_ids:
        SetGraphAttrCommand(document, "output", None, command)
    return command


def insert_fragment_command(document: GraphDocument, nodes: list[tuple[str, dict[str, Any]]],
                            edges: list[tuple[str, str, int, dict[str, Any]]], verb: str) -> DocumentCommand:
    command = CompoundCommand(f"{verb} {len(nodes)} node{'s' * (len(nodes) != 1)}")
    for node_id, attrs in nodes:
        InsertNodeCommand(document, node_id, attrs, command)
    for source, target, key, attrs in edges:
        InsertEdgeCommand(document, source, target, key, attrs, command)
    return command


class MoveNodesCommand(DocumentCommand):
    """One drag (or one Arrange): every node's start and end position."""

    def __init__(self, document: GraphDocument, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 text: str = "") -> None:
        count = len(moves)
        super().__init__(text or f"Move {count} node{'s' * (count != 1)}")
        self.document, self.moves = document, moves

    def redo(self) -> None:
        for node_id, (_, (x, y)) in self.moves.items():
            self.document.move_node(node_id, x, y)

    def undo(self) -> None:
        for node_id, ((x, y), _) in self.moves.items():
            self.document.move_node(node_id, x, y)


class SetValueCommand(DocumentCommand):
    def __init__(self, document: GraphDocument, node_id: str, value: Any) -> None:
        super().__init__(f"Set {document.name_of(node_id)} = {format_value(value)}")
        self.document, self.node_id = document, node_id
        self.old, self.new = document.value_of(node_id), value

    def redo(self) -> None:
        self.document.set_value(self.node_id, self.new)

    def undo(self) -> None:
        self.document.set_value(self.node_id, self.old)


class RenameCommand(DocumentCommand):
    """Rename a node: its id follows the name when the name is free (files, `eval` and
    messages then use it), else only its label changes. Undo restores both exactly."""

    def __init__(self, document: GraphDocument, node_id: str, name: str) -> None:
        new_id = document.check_name(node_id, name)
        super().__init__(f"Rename {document.name_of(node_id)} → {name.strip()}")
        self.document = document
        self.old_id, self.old_label = node_id, document.attrs(node_id).get("label")
        self.new_id, self.new_label = new_id, name.strip()

    def redo(self) -> None:
        self.document.rename_node(self.old_id, self.new_id, self.new_label)

    def undo(self) -> None:
        self.document.rename_node(self.new_id, self.old_id, self.old_label)


class SetGraphAttrCommand(DocumentCommand):
    def __init__(self, document: GraphDocument, key: str, value: Any, parent: CompoundCommand | None = None) -> None:
        text = f"Set output to {value}" if key == "output" and value else f"Set {key}"
        super().__init__(text, parent)
        self.document, self.key = document, key
        self.old, self.new = document.graph_attr(key), value

    def redo(self) -> None:
        self.document.set_graph_attr(self.key, self.new)

    def undo(self) -> None:
        self.document.set_graph_attr(self.key, self.old)
