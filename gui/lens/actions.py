"""The Lens menu and toolbar: the teaching toggles (gradient check badges, bug mode,
explained steps) and the nudge. Each part is its own object; this wires them to
actions and to the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QToolBar

from engine.gradcheck import FAIL, GradientCheck
from engine.values import format_value
from gui.lens.badges import GradientBadges
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.animation.actions import AnimationActions
    from gui.canvas.presenter import CanvasPresenter


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
                 menu: Callable[[str], QMenu]) -> None:
        self.window = window
        self.presenter = presenter
        self.animation = animation
        self.badges = GradientBadges(presenter, window)
        self._check_was_on = False
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
        self.menu = lens_menu
        self.toolbar = QToolBar("Lens", window)
        self.toolbar.setObjectName("lens_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.check_action, self.explain_action, self.bug_action])
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _toggle(self, name: str, text: str, shortcut: str | None, slot: Callable[[bool], object],
                tip: str) -> QAction:
        action = make_action(self.window, name, text, slot, shortcut, tip)
        action.setCheckable(True)
        self.window.addAction(action)
        return action

    # ------------------------------------------------------------ the toggles
    def set_check(self, on: bool) -> None:
        self.check_action.setChecked(on)
        self.badges.set_on(on)

    def set_explain(self, on: bool) -> None:
        self.explain_action.setChecked(on)
        self.animation.caption.explain = on
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
