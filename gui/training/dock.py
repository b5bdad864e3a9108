"""The Train panel: optimiser, learning rate and speed; Play/Pause, Step, Reset; the
loss curve with a log-scale switch; and, for a 2-D classifier, its output over the
plane with the data on top. The pictures are made when the panel is first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.evaluate import Evaluation
from engine.training.boundary import boundary_image, find_boundary
from engine.training.optimizers import OPTIMIZERS
from engine.training.run import trainable_ids
from engine.values import format_number
from gui.observing import subscriptions_of
from gui.training.session import MAX_SPEED, TrainingSession

if TYPE_CHECKING:
    from gui.training.plots import BoundaryPlot, LossPlot

SPEEDS = (1, 10, 30, 100, 300, 1000, MAX_SPEED)
OPTIMIZER_TEXTS = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}
BOUNDARY_MS = 100
"""The classifier's picture is drawn again at most this often while training."""


class TrainDock(QDockWidget):
    def __init__(self, session: TrainingSession, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__("Train", parent)
        self.setObjectName("train_dock")
        self.session = session
        self.loss_plot: LossPlot | None = None
        self.boundary_plot: BoundaryPlot | None = None
        self._evaluation: Evaluation | None = None
        self._boundary_data: tuple[object, ...] | None = None

        body = QWidget(self)
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.optimizer = QComboBox(body)
        self.optimizer.setObjectName("train_optimizer")
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_TEXTS[name], name)
        self.optimizer.currentIndexChanged.connect(lambda _i: session.set_optimizer(self.optimizer.currentData()))
        self.lr = QDoubleSpinBox(body)
        self.lr.setObjectName("train_lr")
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 10.0)
        self.lr.setSingleStep(0.01)
        self.lr.valueChanged.connect(session.set_lr)
        self.speed = QComboBox(body)
        self.speed.setObjectName("train_speed")
        for rate in SPEEDS:
            self.speed.addItem("as fast as it goes" if rate == MAX_SPEED else f"{rate} steps/s", rate)
        self.speed.currentIndexChanged.connect(lambda _i: session.set_steps_per_second(self.speed.currentData()))
        form.addRow("Optimiser", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Speed", self.speed)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        for action in actions:
            button = QToolButton(body)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel(body)
        self.status.setObjectName("train_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.log = QCheckBox("Log scale", body)
        self.log.setObjectName("train_log")
        self.log.toggled.connect(self._set_log)
        layout.addWidget(self.log)
        self._plots = QVBoxLayout()
        layout.addLayout(self._plots, 1)
        self.boundary_caption = QLabel(body)
        self.boundary_caption.setWordWrap(True)
        self.boundary_caption.hide()
        layout.addWidget(self.boundary_caption)
        layout.addStretch(0)
        self.setWidget(body)

        self._boundary_timer = QTimer(self)
        self._boundary_timer.setSingleShot(True)
        self._boundary_timer.setInterval(BOUNDARY_MS)
        self._boundary_timer.timeout.connect(self._draw_boundary)
        session.progressed.connect(self._show_progress)
        # A parameter marked or unmarked changes what the status line suggests.
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(session.document.node_changed,
                                      lambda _node: None if session.running else self._show_progress())
        self.show_settings()

    def detach(self) -> None:
        self._boundary_timer.stop()
        self._subscriptions.release()

    # -------------------------------------------------------------- settings
    def show_settings(self) -> None:
        """The session's settings in the controls (after a file suggested its own)."""
        session = self.session
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(session.optimizer)))
        self.lr.setValue(session.lr)
        self.speed.setCurrentIndex(max(0, self.speed.findData(session.steps_per_second)))

    def _set_log(self, log: bool) -> None:
        if self.loss_plot is not None:
            self.loss_plot.set_log(log)
            self.loss_plot.set_losses(self.session.losses)

    # ---------------------------------------------------------------- plots
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_plots()

    def ensure_plots(self) -> None:
        """Make the pictures (and import pyqtgraph) the first time they are needed."""
        if self.loss_plot is not None:
            return
        from gui.training.plots import BoundaryPlot, LossPlot

        self.loss_plot = LossPlot(self.widget())
        self.boundary_plot = BoundaryPlot(self.widget())
        self.boundary_plot.hide()
        self._plots.addWidget(self.loss_plot, 1)
        self._plots.addWidget(self.boundary_plot, 2)
        self.loss_plot.set_log(self.log.isChecked())
        self._show_progress()
        self._draw_boundary()

    def _show_progress(self) -> None:
        losses = self.session.losses
        document = self.session.document
        parameters = [document.name_of(n) for n in document.node_ids() if document.is_trainable(n)]
        if losses:
            now = self.session.loss_now
            shown = format_number(losses[-1] if now is None else now, 4)
            self.status.setText(f"{len(losses)} step{'s' * (len(losses) != 1)} · loss now {shown}")
        elif parameters:
            shown = ", ".join(parameters[:6]) + (", …" if len(parameters) > 6 else "")
            self.status.setText(f"Press Train to fit the parameters {shown}.")
        else:
            self.status.setText("Mark the parameters trainable (right-click an input), then press Train.")
        if self.loss_plot is not None and self.isVisible():
            self.loss_plot.set_losses(losses)

    def evaluated(self, evaluation: Evaluation) -> None:
        """The document's new values: the classifier's picture follows, at most every BOUNDARY_MS."""
        self._evaluation = evaluation
        if not self._boundary_timer.isActive():
            self._boundary_timer.start()

    def _draw_boundary(self) -> None:
        plot, evaluation = self.boundary_plot, self._evaluation
        if plot is None or evaluation is None:
            return
        document = self.session.document
        plan = evaluation.plan
        source = None
        if evaluation.ok:
            source = find_boundary(plan, evaluation.values, trainable_ids(document.graph.nodes(data=True)))
        drawn = None
        if source is not None:
            drawn = boundary_image(plan, evaluation.values, source)
        plot.setVisible(drawn is not None)
        self.boundary_caption.setVisible(drawn is not None)
        if drawn is None or source is None:
            return
        x = np.asarray(evaluation.value(source.x))
        y = evaluation.value(source.y) if source.y is not None else None
        data_key = (id(x), id(y))
        if data_key != self._boundary_data:
            self._boundary_data = data_key
            plot.set_data(x, None if y is None else np.asarray(y), plan.names[plan.index[source.x]])
        plot.set_image(*drawn)
        names = {node: plan.names[plan.index[node]] for node in (source.x, source.prediction)}
        target = f", coloured by {plan.names[plan.index[source.y]]}" if source.y else ""
        self.boundary_caption.setText(
            f"Background: {names[source.prediction]} computed over the plane of {names[source.x]} "
            f"(blue low, orange high). Points: the rows of {names[source.x]}{target}.")
