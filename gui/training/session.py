"""Training from the editor: Play runs steps in short slices on a timer (so the window
never waits for more than a few milliseconds), and after each slice writes the
parameters into the document as a TrainRunCommand, so the canvas shows them at the
screen's rate and the whole run is one undo step. Any other change of the document
(an edit, an undo, a file opened) pauses training: the next Play compiles the graph
as it is then."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.training.run import LossNotFinite, Trainer, trainable_ids
from engine.values import Value
from gui.observing import subscriptions_of
from gui.training.commands import SetValuesCommand, TrainRunCommand

FRAME_MS = 16
"""One slice per frame of a 60 Hz screen."""
SLICE_BUDGET = (0.008, 0.030)
"""Seconds of steps per slice: as long as the rest of the last frame took (drawing the
cards whose numbers changed), so training and drawing share the time, within these
bounds: the window never waits more than 30 ms for training."""
MAX_SPEED = 0
"""steps_per_second meaning: as many as the slice's budget allows."""


class TrainingSession(QObject):
    runningChanged = Signal(bool)
    progressed = Signal()
    """New losses (and parameters in the document)."""
    message = Signal(str)

    def __init__(self, document: GraphDocument, push: Callable[[QUndoCommand], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.push = push
        self.optimizer = "sgd"
        self.lr = 0.01
        self.steps_per_second = 100
        self.trainer: Trainer | None = None
        self.losses: list[float] = []
        """The loss before each step since the last Reset (the curve)."""
        self.loss_now: float | None = None
        """The loss after the last step (what the canvas shows as the output's value)."""
        self.origin: dict[str, Value] | None = None
        """The parameters before the first step since the last Reset: where Reset goes back to."""
        self.run = 0
        self._writing = False
        self._owed = 0.0
        self._last_tick = 0.0
        self._budget = SLICE_BUDGET[0]
        self._slice_end = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.changed, self._document_changed)
        self._subscriptions.subscribe(document.reset, self._document_replaced)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def detach(self) -> None:
        self._timer.stop()
        self._subscriptions.release()

    # ------------------------------------------------------------- settings
    def set_optimizer(self, name: str) -> None:
        self.optimizer = name
        if self.trainer is not None and self.trainer.optimizer.name != name:
            self.trainer = None  # a new optimiser starts with no state: compiled again at once below
            if self.running:
                self._ensure_trainer()

    def set_lr(self, lr: float) -> None:
        self.lr = lr
        if self.trainer is not None:
            self.trainer.optimizer.lr = lr

    def set_steps_per_second(self, rate: int) -> None:
        self.steps_per_second = rate
        self._owed = 0.0

    # -------------------------------------------------------------- control
    def play(self) -> None:
        if self.running or not self._ensure_trainer():
            return
        self.run += 1
        self._owed = 1.0  # the first step at once
        self._slice_end = 0.0
        self._last_tick = time.perf_counter()
        self._timer.start()
        self.runningChanged.emit(True)
        self._tick()

    def pause(self) -> None:
        if self.running:
            self._timer.stop()
            self.runningChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def step(self) -> None:
        """One step, its own undo step."""
        self.pause()
        if self._ensure_trainer():
            self.run += 1
            self._advance(1)

    def reset(self) -> None:
        """Parameters back to where they were before the first step since the last Reset;
        the curve starts again."""
        self.pause()
        origin = {node_id: value for node_id, value in (self.origin or {}).items()
                  if node_id in self.document and self.document.op_of(node_id).name == "input"}
        self.trainer, self.origin, self.losses, self.loss_now = None, None, [], None
        if origin:
            self._write(SetValuesCommand(self.document, origin, "Reset training: parameters back to the start"))
        self.progressed.emit()

    # ------------------------------------------------------------- stepping
    def _ensure_trainer(self) -> bool:
        if self.trainer is not None:
            return True
        document = self.document
        try:
            self.trainer = Trainer(document.plan(), trainable_ids(document.graph.nodes(data=True)),
                                   self.optimizer, self.lr)
        except StudioError as error:
            self.message.emit(f"Cannot train: {str(error).rstrip('.')}.")
            return False
        if self.origin is None:
            self.origin = self.trainer.graph.parameter_values()
        return True

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.steps_per_second == MAX_SPEED:
            due = None
        else:
            self._owed += (now - self._last_tick) * self.steps_per_second
            due = int(self._owed)
            self._owed -= due
        self._last_tick = now
        if self._slice_end:
            self._budget = min(max(now - self._slice_end, SLICE_BUDGET[0]), SLICE_BUDGET[1])
        if due == 0:
            return
        self._advance(due)
        self._slice_end = time.perf_counter()

    def _advance(self, due: int | None) -> None:
        """Up to `due` steps (None: as many as fit), never longer than the slice's budget."""
        trainer = self.trainer
        assert trainer is not None
        deadline = time.perf_counter() + self._budget
        taken: list[float] = []
        failure = None
        try:
            while due is None or len(taken) < due:
                taken.append(trainer.step())
                if time.perf_counter() > deadline:
                    break
            values = trainer.parameter_values()
        except LossNotFinite as error:
            failure = str(error)
            values = None
            if taken:
                try:
                    values = trainer.parameter_values()
                except LossNotFinite:  # the parameters themselves went: keep what the document has
                    taken = []
        if taken and values is not None:
            self.losses.extend(taken)
            last = self.loss_now = trainer.current_loss()
            self._write(TrainRunCommand(self.document, self.run, values, len(taken), taken[0],
                                        last if math.isfinite(last) else taken[-1]))
            self.progressed.emit()
        if failure is not None:
            self.pause()
            self.trainer = None
            self.message.emit(f"Training stopped: {failure}.")

    def _write(self, command: QUndoCommand) -> None:
        self._writing = True
        try:
            self.push(command)
        finally:
            self._writing = False

    # -------------------------------------------------------------- observing
    def _document_changed(self) -> None:
        if self._writing:
            return
        # An edit (or an undo) may have changed the parameters or the graph: pause, and
        # compile again on the next Play.
        self.trainer = None
        if self.running:
            self.pause()
            self.message.emit("Training paused: the graph was edited.")

    def _document_replaced(self) -> None:
        self.pause()
        self.trainer, self.origin, self.losses, self.loss_now = None, None, [], None
        self.progressed.emit()
