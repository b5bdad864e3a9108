"""The transport bar under the canvas: to start, step back, play/pause, step
forward, to end, back to editing; reverse or forward mode and forward mode's seed;
the speed; the timeline; where we are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from gui import theme
from gui.animation.controller import SPEEDS, AnimationController
from gui.animation.timeline import Timeline


def speed_text(speed: float) -> str:
    return f"{speed:g}×"


class TransportBar(QToolBar):
    def __init__(self, controller: AnimationController, actions: list[QAction | None],
                 parent: QWidget | None = None, mode_actions: list[QAction] | None = None,
                 seed_actions: list[QAction] | None = None) -> None:
        super().__init__("Animation", parent)
        self.setObjectName("transport")
        self.controller = controller
        self.setMovable(False)
        for action in actions:
            if action is None:
                self.addSeparator()
            else:
                self.addAction(action)
        self.addSeparator()
        for action in mode_actions or []:
            self.addAction(action)
        self.seed = QComboBox()
        self.seed.setObjectName("seed")
        self.seed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.seed.setToolTip("Forward mode's seed: the input whose tangent is 1 (clicking an input card also picks it)")
        self.seed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Picking a seed is asking for forward mode with it.
        self.seed.activated.connect(lambda index: controller.set_seed(self.seed.itemData(index)))
        if mode_actions:
            self.addWidget(self.seed)
            for action in seed_actions or []:
                self.addAction(action)
            self.addSeparator()
        self.speed = QComboBox()
        self.speed.setObjectName("speed")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.setToolTip("Playback speed ([ slower, ] faster)")
        for speed in SPEEDS:
            self.speed.addItem(speed_text(speed), speed)
        self.speed.activated.connect(lambda index: controller.set_speed(self.speed.itemData(index)))
        self.addWidget(self.speed)
        self.timeline = Timeline()
        self.timeline.scrubbed.connect(controller.jump)
        self.addWidget(self.timeline)
        self.position = QLabel()
        self.position.setObjectName("position_label")
        self.position.setFont(theme.mono_font(9.5))
        self.position.setMinimumWidth(150)
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.position)
        controller.changed.connect(self.refresh)
        controller.traceChanged.connect(self.refresh)
        controller.presenter.displayChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        controller = self.controller
        position = controller.position
        trace = controller.trace_if_ready()
        if trace is not None:
            self.timeline.set_trace_shape(len(trace), trace.segments)
        self.timeline.set_position(position)
        self.position.setText(controller.position_text())
        # While animating the trace is there (position_text has read it): its phase, not the words.
        phase = controller.trace.phase_at(position) if position is not None else None
        colour = theme.PHASE_COLOURS[phase] if phase is not None else theme.CARD_MUTED
        _set_style(self.position, f"color: {colour.name()}")
        self._refresh_seeds()
        index = self.speed.findData(controller.speed)
        if index >= 0 and index != self.speed.currentIndex():
            self.speed.setCurrentIndex(index)

    def _refresh_seeds(self) -> None:
        """The graph's input nodes by name; the current seed chosen (in reverse mode, the
        one forward mode would start from, shown muted)."""
        presenter = self.controller.presenter
        inputs = presenter.input_nodes()
        if [(self.seed.itemData(i), self.seed.itemText(i)) for i in range(self.seed.count())] != inputs:
            self.seed.blockSignals(True)
            self.seed.clear()
            for node_id, name in inputs:
                self.seed.addItem(name, node_id)
            self.seed.blockSignals(False)
        index = self.seed.findData(presenter.seed) if presenter.seed is not None else self.seed.currentIndex()
        if index >= 0 and index != self.seed.currentIndex():
            self.seed.setCurrentIndex(index)
        forward = presenter.seed is not None
        _set_style(self.seed, f"color: {(theme.TANGENT if forward else theme.CARD_MUTED).name()}")

    def seed_choice(self) -> str | None:
        """The input the seed list shows (forward mode starts from it)."""
        return self.seed.currentData() if self.seed.count() else None


def _set_style(widget: QWidget, style: str) -> None:
    """Setting a style sheet restyles the widget even when it is the same (1 ms a
    time, three times each step of a playing animation): set only a change."""
    if widget.styleSheet() != style:
        widget.setStyleSheet(style)
