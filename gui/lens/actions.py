"""The Lens menu and toolbar: the teaching toggles (gradient check badges, bug mode,
explained steps) and the nudge. Each part is its own object; this wires them to
actions and to the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSlider, QToolBar

from engine.lens.gradcheck import FAIL, GradientCheck
from engine.values import format_value
from gui.lens.badges import GradientBadges
from gui.lens.nudge import STEP, Nudge
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.animation.actions import AnimationActions
    from gui.canvas.presenter import CanvasPresenter
    from gui.editing.editor import GraphEditor

SLIDER_UNIT = 0.001
"""h per notch of the nudge slider (±0.1 at its ends; Alt+↑ is ten notches)."""


def bug_message(check: GradientCheck | None) -> str:
    """Why the badges are red in bug mode, in one status-bar line."""
    head = "Bug: overwrite at fan-out is on: a node fed to several wires keeps only the last gradient, not their sum"
    failing = [c for c in check.inputs.values() if c.status == FAIL] if check is not None else []
    if not failing:
        return head + "."
    shown = "; ".join(f"{c.name} got {format_value(c.grad)}, finite differences say {format_value(c.numeric)}"
                      for c in failing[:3])
    return f"{head}: {shown}."


class LensActions:
    """The Lens menu (from `menu(title)`) and a Lens toolbar on `window`."""

    def __init__(self, window: QMainWindow, presenter: CanvasPresenter, animation: AnimationActions,
                 editor: GraphEditor, menu: Callable[[str], QMenu]) -> None:
        self.window = window
        self.presenter = presenter
        self.animation = animation
        self.badges = GradientBadges(presenter, window)
        self._check_was_on = False
        self._syncing = False
        """Whether the check was on before bug mode switched it on (bug mode off restores it)."""

        self.check_action = self._toggle("gradient_check", "Gradient &Check", "Ctrl+Shift+G", self.set_check,
                                         "Check each input's gradient against central finite differences: "
                                         "a badge on each input card, the relative error on hover")
        self.bug_action = self._toggle("bug_overwrite", "&Bug: Overwrite at Fan-out", None, self.set_bug,
                                       "Break backprop on purpose: a node that feeds several wires keeps only "
                                       "the last gradient instead of their sum (the micrograd bug); never saved")
        self.explain_action = self._toggle("explain", "&Explain Steps", "Ctrl+Shift+X", self.set_explain,
                                           "Name each backward step's pattern in the caption: add distributes, "
                                           "mul swaps, max routes to the winner, a fan-out node sums")
        self.nudge = Nudge(presenter, editor, window)
        self.nudge_up = self._plain("nudge_up", "Nudge &Up", "Alt+Up", lambda: self._step(1),
                                    f"Move the selected input up by h = {STEP:g} (the value is restored "
                                    "when you select something else, or Keep it)")
        self.nudge_down = self._plain("nudge_down", "Nudge &Down", "Alt+Down", lambda: self._step(-1),
                                      f"Move the selected input down by h = {STEP:g}")
        self.keep_nudge = self._plain("keep_nudge", "&Keep Nudge", "Alt+Return", self.keep,
                                      "Keep the nudged value (one undo step)")
        self.restore_nudge = self._plain("restore_nudge", "&Restore Value", "Alt+Backspace", self.nudge.restore,
                                         "Put the nudged input back to its value")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("nudge_slider")
        self.slider.setRange(-100, 100)
        self.slider.setFixedWidth(160)
        self.slider.setToolTip("Nudge the selected input by h while you drag; letting go restores it")
        self.slider.valueChanged.connect(self._slid)
        self.slider.sliderReleased.connect(self.nudge.restore)
        self.h_label = QLabel("h = 0")
        self.h_label.setObjectName("nudge_h")
        self.h_label.setMinimumWidth(80)
        self.nudge.changed.connect(self._nudged)
        self.bug_status = QLabel()
        self.bug_status.setObjectName("bug_status")
        self.bug_status.setStyleSheet(f"color: {COLOUR_BUG};")
        self.bug_status.setWordWrap(False)
        self.bug_status.hide()
        window.statusBar().insertPermanentWidget(0, self.bug_status, 1)
        self.badges.checked.connect(self._checked)

        lens_menu = menu("&Lens")
        lens_menu.addActions([self.check_action, self.explain_action])
        lens_menu.addSeparator()
        lens_menu.addActions([self.bug_action])
        lens_menu.addSeparator()
        lens_menu.addActions([self.nudge_up, self.nudge_down, self.keep_nudge, self.restore_nudge])
        self.menu = lens_menu
        self.toolbar = QToolBar("Lens", window)
        self.toolbar.setObjectName("lens_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.check_action, self.explain_action, self.bug_action])
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Nudge "))
        self.toolbar.addWidget(self.slider)
        self.toolbar.addWidget(self.h_label)
        self.toolbar.addAction(self.keep_nudge)
        self._nudged()
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def detach(self) -> None:
        self.nudge.detach()

    def _toggle(self, name: str, text: str, shortcut: str | None, slot: Callable[[bool], object],
                tip: str) -> QAction:
        action = make_action(self.window, name, text, slot, shortcut, tip)
        action.setCheckable(True)
        self.window.addAction(action)
        return action

    def _plain(self, name: str, text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
        action = make_action(self.window, name, text, slot, shortcut, tip)
        self.window.addAction(action)
        return action

    # ------------------------------------------------------------------ nudge
    def _step(self, direction: int) -> None:
        self.animation.controller.stop()
        if not self.nudge.step(direction):
            self.window.statusBar().showMessage("Select one input card to nudge it.", 4000)

    def _slid(self, notches: int) -> None:
        if self._syncing:
            return
        self.animation.controller.stop()
        if not self.nudge.set_h(notches * SLIDER_UNIT):
            self.window.statusBar().showMessage("Select one input card to nudge it.", 4000)
            self._sync_slider(0)

    def keep(self) -> None:
        name = self.nudge.report.name if self.nudge.report else ""
        if self.nudge.keep():
            self.window.statusBar().showMessage(f"Kept the nudged value of {name}.", 4000)

    def _sync_slider(self, notches: int) -> None:
        self._syncing = True
        self.slider.setValue(notches)
        self._syncing = False

    def _nudged(self) -> None:
        nudge = self.nudge
        self._sync_slider(round(nudge.h / SLIDER_UNIT))
        self.h_label.setText(f"h = {nudge.h:+.3g}" if nudge.active else "h = 0")
        self.keep_nudge.setEnabled(nudge.active)
        self.restore_nudge.setEnabled(nudge.active)
        if nudge.report is not None:
            self.window.statusBar().showMessage(nudge.report.text())
        elif not nudge.active:
            self.window.statusBar().clearMessage()

    # ------------------------------------------------------------ the toggles
    def set_check(self, on: bool) -> None:
        self.check_action.setChecked(on)
        self.badges.set_on(on)

    def set_explain(self, on: bool) -> None:
        self.explain_action.setChecked(on)
        self.animation.caption.explain = on
        self.presenter.explain = on  # what an exported animation's captions follow
        self.animation.caption.refresh()

    def set_bug(self, on: bool) -> None:
        """Bug mode: the canvas, the animation and the badges show the broken backward pass;
        the check comes on with it (and goes back to how it was when bug mode ends)."""
        self.bug_action.setChecked(on)
        self.animation.controller.stop()  # a trace in play is the other rule's
        if on:
            self._check_was_on = self.badges.on
        self.presenter.set_overwrite_fanout(on)
        self.set_check(True if on else self._check_was_on)

    def _checked(self, check: GradientCheck | None) -> None:
        if self.presenter.overwrite_fanout:
            self.bug_status.setText(bug_message(check))
            self.bug_status.setToolTip(self.bug_status.text())
            self.bug_status.show()
        else:
            self.bug_status.hide()


COLOUR_BUG = "#c62828"
