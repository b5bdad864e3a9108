"""One way to make a menu action: named (tests trigger actions by object name, as
Orange's do), with its shortcuts and a tip shown in the status bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

Shortcut = QKeySequence.StandardKey | QKeySequence | str


def make_action(parent: QObject, name: str, text: str, slot: Callable[..., object],
                shortcuts: Shortcut | Sequence[Shortcut] | None = None, tip: str = "") -> QAction:
    """A QAction whose slot is called without Qt's `checked` argument, unless the
    action is made checkable (then the slot gets the new state)."""
    action = QAction(text, parent)
    action.setObjectName(name)
    if shortcuts:
        many = shortcuts if isinstance(shortcuts, (list, tuple)) else [shortcuts]
        action.setShortcuts([QKeySequence(s) for s in many])
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda checked=False: slot(checked) if action.isCheckable() else slot())
    return action
