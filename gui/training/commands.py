"""Undo commands of training: they only call the document, as every command does.

A training run is one undo step however many slices it took: each slice pushes a
TrainRunCommand with the run's number, and Qt merges it into the one before when
that is the same run and still on top of the stack."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from engine.document import GraphDocument
from engine.values import Value, format_number
from gui.editing.commands import DocumentCommand

TRAIN_RUN_ID = 1601
"""QUndoCommand.id of a training run's commands (only those merge)."""


class SetValuesCommand(DocumentCommand):
    """Set several leaves' values at once (the data X and y, parameters back to a start)."""

    def __init__(self, document: GraphDocument, values: Mapping[str, Value], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.old = {node_id: document.value_of(node_id) for node_id in values}
        self.new = dict(values)

    def redo(self) -> None:
        for node_id, value in self.new.items():
            self.document.set_value(node_id, value)

    def undo(self) -> None:
        for node_id, value in self.old.items():
            self.document.set_value(node_id, value)


def run_text(steps: int, first_loss: float, last_loss: float) -> str:
    return (f"Train {steps} step{'s' * (steps != 1)}, loss {format_number(first_loss, 3)} → "
            f"{format_number(last_loss, 3)}")


class TrainRunCommand(SetValuesCommand):
    """`steps` steps of run `run` moved the parameters to `values`; `first_loss` is the
    loss before the first of them, `last_loss` after the last."""

    def __init__(self, document: GraphDocument, run: int, values: Mapping[str, Value], steps: int,
                 first_loss: float, last_loss: float) -> None:
        super().__init__(document, values, run_text(steps, first_loss, last_loss))
        self.run, self.steps = run, steps
        self.first_loss, self.last_loss = first_loss, last_loss

    def id(self) -> int:
        return TRAIN_RUN_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TrainRunCommand) or other.run != self.run or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)  # the start (self.old) stays the run's
        self.steps += other.steps
        self.last_loss = other.last_loss
        self.setText(run_text(self.steps, self.first_loss, self.last_loss))
        return True


class SetTrainableCommand(DocumentCommand):
    def __init__(self, document: GraphDocument, node_id: str, trainable: bool) -> None:
        name = document.name_of(node_id)
        super().__init__(f"Make {name} trainable" if trainable else f"Make {name} fixed (not trainable)")
        self.document, self.node_id, self.trainable = document, node_id, trainable

    def redo(self) -> None:
        self.document.set_trainable(self.node_id, self.trainable)

    def undo(self) -> None:
        self.document.set_trainable(self.node_id, not self.trainable)
