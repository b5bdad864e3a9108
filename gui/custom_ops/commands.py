"""Undo commands for custom operations: each only calls the document."""

from __future__ import annotations

from collections.abc import Sequence

from engine.custom.definitions import OpFormula, builtins_of, with_custom_ops
from engine.document import GraphDocument
from engine.ops import OpRegistry
from gui.editing.commands import CompoundCommand, DocumentCommand, remove_items_command


class SetCustomOpsCommand(DocumentCommand):
    """The document's custom operations become `definitions`; checked (and derived) when
    made, so redo cannot fail; undo puts back the operations and registry it had."""

    def __init__(self, document: GraphDocument, definitions: Sequence[OpFormula], text: str,
                 parent: CompoundCommand | None = None, checked: OpRegistry | None = None) -> None:
        registry = document.check_custom_ops(definitions) if checked is None else checked
        super().__init__(text, parent)
        self.document = document
        self.old = (document.custom_ops(), document.registry)
        self.new = (list(definitions), registry)

    def redo(self) -> None:
        self.document.set_custom_ops(*self.new)

    def undo(self) -> None:
        self.document.set_custom_ops(*self.old)


def users_of(document: GraphDocument, name: str) -> list[str]:
    """The nodes that use the operation `name`."""
    return [node_id for node_id in document.node_ids() if document.attrs(node_id)["op"] == name]


def delete_op_command(document: GraphDocument, name: str) -> CompoundCommand:
    """Delete the operation and the nodes that use it (with their wires), as one step.
    Raises a StudioError, before anything changes, when another operation's formula uses it."""
    remaining = [d for d in document.custom_ops() if d.name != name]
    registry = with_custom_ops(builtins_of(document.registry), remaining)
    command = CompoundCommand(f"Delete operation {name}")
    users = users_of(document, name)
    if users:
        command.parts.append(remove_items_command(document, users, []))
    SetCustomOpsCommand(document, remaining, "", command, checked=registry)
    return command


def pasted_ops_command(document: GraphDocument, registry: OpRegistry) -> SetCustomOpsCommand | None:
    """Define the custom ops of a pasted fragment's `registry` that the document lacks
    (None when it has them all); raises a StudioError if they are refused."""
    from engine.custom.definitions import definitions_in

    missing = [d for d in definitions_in(registry) if d.name not in document.registry]
    if not missing:
        return None
    names = ", ".join(d.name for d in missing)
    return SetCustomOpsCommand(document, [*document.custom_ops(), *missing], f"Define {names}")
