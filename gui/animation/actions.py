"""The Animation menu and its keys, the transport bar and the trace dock, wired to
one AnimationController. Arrow keys, Home and End act while the canvas or the
trace list has the focus (elsewhere they keep their usual meaning); Space comes
from the view, which tells a tap from a Space-drag pan."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QStyle

from gui.animation.all_inputs import AllInputs
from gui.animation.caption import CaptionBar
from gui.animation.controller import SPEEDS, AnimationController
from gui.animation.follow import StepFollower
from gui.animation.trace_dock import TraceDock
from gui.animation.transport import TransportBar, speed_text
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter
    from gui.canvas.view import GraphView


class AnimationActions:
    """Puts the trace dock beside `tab_with`, the transport bar at the bottom of
    `window` and the Animation menu from `menu(title)`, all playing `presenter`'s trace."""

    def __init__(self, window: QMainWindow, presenter: CanvasPresenter, view: GraphView, tab_with: QDockWidget,
                 menu: Callable[[str], QMenu]) -> None:
        self.host = window
        self.controller = controller = AnimationController(presenter, window)
        self.trace_dock = TraceDock(controller, window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.trace_dock)
        window.tabifyDockWidget(tab_with, self.trace_dock)
        self.trace_dock.raise_()
        self._key_targets = [view, self.trace_dock.list]

        icon = window.style().standardIcon
        pixmap = QStyle.StandardPixmap
        self.play_pause = self._action("play_pause", "&Play\tSpace", "", controller.toggle_play,
                                       "Play the forward pass, then the backward pass (Space)")
        self.play_pause.setIcon(icon(pixmap.SP_MediaPlay))
        self.step_back = self._action("step_back", "Step &Back", "Left", controller.step_back,
                                      "Show the picture one step earlier (←)")
        self.step_back.setIcon(icon(pixmap.SP_MediaSeekBackward))
        self.step_forward = self._action("step_forward", "Step &Forward", "Right", controller.step_forward,
                                         "Play the next step (→)")
        self.step_forward.setIcon(icon(pixmap.SP_MediaSeekForward))
        self.to_start = self._action("to_start", "To &Start", "Home", controller.to_start,
                                     "Only the inputs, before the first step (Home)")
        self.to_start.setIcon(icon(pixmap.SP_MediaSkipBackward))
        self.to_end = self._action("to_end", "To &End", "End", controller.to_end,
                                   "After the last step of the backward pass (End)")
        self.to_end.setIcon(icon(pixmap.SP_MediaSkipForward))
        self.stop = self._action("stop_animation", "Back to E&diting", "", controller.stop,
                                 "Leave the animation: every value and gradient shown")
        self.stop.setIcon(icon(pixmap.SP_MediaStop))
        self.faster = self._action("faster", "F&aster", "]", controller.faster, "Play faster (])")
        self.slower = self._action("slower", "S&lower", "[", controller.slower, "Play slower ([)")
        self.speed_group = QActionGroup(window)
        self.speed_actions: dict[float, QAction] = {}
        for speed in SPEEDS:
            action = QAction(speed_text(speed), window)
            action.setObjectName(f"speed_{speed:g}x")
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, s=speed: controller.set_speed(s))
            self.speed_group.addAction(action)
            self.speed_actions[speed] = action
        # Reverse mode pulls gradients right to left; forward mode pushes one input's tangent left to right.
        self.mode_group = QActionGroup(window)
        self.reverse_mode = self._mode_action("reverse_mode", "&Reverse", "Reverse mode: values forward, then "
                                              "every gradient in one backward pass")
        self.forward_mode = self._mode_action("forward_mode", "F&orward", "Forward mode: values forward with "
                                              "one input's tangent (pick the seed beside, or click an input card)")
        self.reverse_mode.setChecked(True)
        self.reverse_mode.triggered.connect(lambda _checked=False: controller.set_seed(None))
        self.forward_mode.triggered.connect(lambda _checked=False: self._forward())
        presenter.scene.selectionChanged.connect(self._seed_from_selection)
        self.all_inputs_runner = AllInputs(controller, window)
        self.all_inputs = make_action(window, "all_inputs", "&All Inputs", self.all_inputs_runner.start, None,
                                      "Forward mode once per input, each pass in turn, filling the gradient table "
                                      "(Trace panel) beside reverse mode's one backward pass")
        self.trace_dock.cost.follow(self.all_inputs_runner)
        self.show_trace = self.trace_dock.toggleViewAction()
        self.show_trace.setObjectName("show_trace")
        self.show_trace.setText("&Trace Panel")

        animation_menu = menu("&Animation")
        animation_menu.addActions([self.play_pause, self.step_back, self.step_forward, self.to_start, self.to_end])
        animation_menu.addSeparator()
        speed_menu = animation_menu.addMenu("S&peed")
        speed_menu.addActions([self.slower, self.faster])
        speed_menu.addSeparator()
        speed_menu.addActions(list(self.speed_actions.values()))
        animation_menu.addActions([self.stop])
        animation_menu.addSeparator()
        animation_menu.addActions([self.reverse_mode, self.forward_mode, self.all_inputs])
        animation_menu.addSeparator()
        animation_menu.addAction(self.show_trace)

        self.transport = TransportBar(controller, [self.to_start, self.step_back, self.play_pause,
                                                   self.step_forward, self.to_end, None, self.stop], window,
                                      [self.reverse_mode, self.forward_mode], [self.all_inputs])
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.transport)

        # Subtitles for the step, readable at any zoom, and a view that keeps the step in sight.
        self.caption = CaptionBar(view, controller)
        self.follower = StepFollower(view, controller, self.caption)

        view.spaceTapped.connect(controller.toggle_play)
        controller.changed.connect(self._refresh)
        controller.traceChanged.connect(self._refresh)
        presenter.displayChanged.connect(self._refresh)
        self._refresh()

    def _action(self, name: str, text: str, shortcut: str, slot, tip: str) -> QAction:
        action = make_action(self.host, name, text, slot, shortcut, tip)
        if shortcut:
            # Arrow keys belong to text fields when one has the focus.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for target in self._key_targets:
                target.addAction(action)
        return action

    def _mode_action(self, name: str, text: str, tip: str) -> QAction:
        action = QAction(text, self.host)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self.mode_group.addAction(action)
        return action

    def _forward(self) -> None:
        """Forward mode, seeded where the seed list points (its first input at first)."""
        seed = self.transport.seed_choice()
        if seed is None:
            self.reverse_mode.setChecked(True)  # no input to seed: nothing to push forward
            self.host.statusBar().showMessage("Forward mode needs an input node to seed.", 4000)
            return
        self.controller.set_seed(seed)

    def _seed_from_selection(self) -> None:
        """In forward mode, clicking an input card makes it the seed."""
        scene = self.controller.scene
        if self.controller.seed is None or not shiboken6.isValid(scene):
            return  # (a closing window's scene clears its selection as it goes)
        selected = scene.selectedItems()
        if len(selected) == 1:
            node_id = getattr(selected[0], "node_id", None)
            if node_id in dict(self.controller.presenter.input_nodes()):
                self.controller.set_seed(node_id)

    def _refresh(self) -> None:
        controller = self.controller
        style, pixmap = self.host.style(), QStyle.StandardPixmap
        playing = controller.playing
        self.play_pause.setText("&Pause\tSpace" if playing else "&Play\tSpace")
        self.play_pause.setIcon(style.standardIcon(pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay))
        then = "the tangent pass" if controller.seed is not None else "the backward pass"
        self.play_pause.setToolTip("Pause (Space)" if playing else f"Play the forward pass, then {then} (Space)")
        (self.forward_mode if controller.seed is not None else self.reverse_mode).setChecked(True)
        # Stepping stays enabled at the ends (it does nothing there): a disabled
        # action would let its arrow key through to the view, which scrolls.
        trace = controller.trace_if_ready()
        self.play_pause.setEnabled(trace is None or len(trace) > 0)
        self.stop.setEnabled(controller.position is not None)
        self.speed_actions[controller.speed].setChecked(True)
        self.faster.setEnabled(controller.speed < SPEEDS[-1])
        self.slower.setEnabled(controller.speed > SPEEDS[0])
