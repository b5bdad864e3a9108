"""The trace panel: the Wengert list, one row per step of the trace (forward rows
green, backward rows red), the current step highlighted; choosing a row jumps the
animation there. Rows are made only as they are shown, so a long trace costs
nothing until someone scrolls through it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QLabel, QListView, QVBoxLayout, QWidget

from engine.notation import dot, term
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, TangentStep, Trace
from engine.values import format_value_full
from gui import theme
from gui.animation.controller import AnimationController
from gui.animation.cost_panel import CostPanel

_CURRENT_BACKGROUND = QBrush(QColor(255, 179, 0, 70))
HELP = ("vₖ is a value, v̄ₖ the output's gradient with respect to it, v̇ₖ (forward mode) its derivative along "
        "the seed. "
        "Click a row to show the graph right after that step.")

Index = QModelIndex | QPersistentModelIndex


def step_tooltip(step: Step) -> str:
    """The step with names, then every number in full (arrays whole)."""
    lines = [step.caption()]
    if isinstance(step, ForwardStep):
        for name, value in zip(step.source_names, step.inputs):
            lines.append(f"{name}: {format_value_full(value)}")
        lines.append(f"{step.name} = {format_value_full(step.value)}")
    elif isinstance(step, SeedStep):
        lines.append(f"seed: {format_value_full(step.value)}")
    elif isinstance(step, TangentStep):
        for name, tangent in zip(step.source_names, step.source_tangents):
            lines.append(f"{dot(name)}: {format_value_full(tangent)}")
        lines.append(f"{dot(step.name)} = {format_value_full(step.tangent)}")
    elif isinstance(step, BackwardStep):
        lines.append(f"local derivative: {format_value_full(step.local)}")
        lines.append(f"upstream gradient: {format_value_full(step.upstream)}")
        lines.append(f"contribution: {format_value_full(step.contribution)}")
        if step.arrivals > 1:
            lines.append(f"∂{term(step.output_name)}/∂{term(step.source_name)} so far "
                         f"({step.arrival} of {step.arrivals}): {format_value_full(step.accumulated)}")
    elif isinstance(step, AccumulateStep):
        for contribution in step.contributions:
            lines.append(f"+ {format_value_full(contribution)}")
        lines.append(f"= {format_value_full(step.total)}")
    return "\n".join(lines)


class TraceModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: Trace | None = None
        self.current: int | None = None
        """The row of the step just taken, if any."""
        self._texts: dict[int, str] = {}
        self._rows = 0
        """Asked for hundreds of times per highlight move: kept, not recounted."""
        self._bold = theme.mono_font(9.5)
        self._bold.setBold(True)

    def set_trace(self, trace: Trace | None) -> None:
        if trace is self.trace:
            return
        self.beginResetModel()
        self.trace = trace
        self._rows = len(trace.steps) if trace is not None else 0
        self.current = None
        self._texts = {}
        self.endResetModel()

    def set_current(self, row: int | None) -> None:
        if row == self.current:
            return
        old, self.current = self.current, row
        for changed in (old, row):
            if changed is not None and 0 <= changed < self.rowCount():
                index = self.index(changed)
                self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.trace is None:
            return None
        row = index.row()
        step = self.trace.steps[row]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._texts.get(row)
            if text is None:
                text = self._texts[row] = step.text()
            return text
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(theme.PHASE_COLOURS[step.phase])
        if role == Qt.ItemDataRole.BackgroundRole and row == self.current:
            return _CURRENT_BACKGROUND
        if role == Qt.ItemDataRole.FontRole and row == self.current:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return step_tooltip(step)
        return None


class TraceDock(QDockWidget):
    def __init__(self, controller: AnimationController, parent: QWidget | None = None) -> None:
        super().__init__("Trace", parent)
        self.setObjectName("trace_dock")
        self.controller = controller
        self.model = TraceModel(self)
        self.list = QListView()
        self.list.setObjectName("trace_list")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)  # follow() counts rows
        self.list.setFont(theme.mono_font(9.5))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The current step is shown by its own highlight, in the row's colours (a
        # selection would paint over them); choosing a row only moves the animation.
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        help_text = QLabel(HELP)
        help_text.setWordWrap(True)
        help_text.setStyleSheet(f"color: {theme.CARD_MUTED.name()}")
        help_text.setFont(theme.font(8.5))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addWidget(help_text)
        layout.addWidget(self.list)
        self.cost = CostPanel(controller)
        layout.addWidget(self.cost)
        self.setWidget(body)
        self._following = False
        """True while the list is moved to follow the animation (not a person's choice)."""
        self.list.clicked.connect(self._chosen)
        self.list.selectionModel().currentRowChanged.connect(self._current_row_changed)
        controller.traceChanged.connect(self._trace_changed)
        controller.changed.connect(self.follow)
        controller.presenter.displayChanged.connect(self.follow)
        self._trace_changed()

    def _trace_changed(self) -> None:
        self._following = True
        try:
            self.model.set_trace(self.controller.trace_if_ready())
        finally:
            self._following = False
        self.follow()

    def follow(self) -> None:
        """Highlight the step the canvas shows and scroll it into view."""
        position = self.controller.position
        if position is not None and self.model.trace is not self.controller.trace:
            self._trace_changed()
            return
        row = position - 1 if position is not None and position > 0 else None
        self.model.set_current(row)
        self._following = True
        try:
            selection = self.list.selectionModel()
            if row is None:
                selection.clearCurrentIndex()
            else:
                index = self.model.index(row)
                # scrollTo (and visualRect) cost a millisecond even when the row is in
                # view, and follow runs twice a step: the scroll bar counts rows. A row
                # out of view comes to the middle, so playing scrolls once per half page.
                bar = self.list.verticalScrollBar()
                if not bar.value() <= row < bar.value() + bar.pageStep():
                    self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                # The list's own current row (where its arrow keys start) costs a
                # millisecond to move; while playing the highlight is enough.
                if not self.controller.playing:
                    selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            self._following = False

    def _chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.controller.jump(index.row() + 1)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._following and current.isValid():
            self.controller.jump(current.row() + 1)
