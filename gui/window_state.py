"""The window's size, place and dock layout, kept in QSettings between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
STATE_VERSION = 1
"""Bump when the set of docks or toolbars changes, so an old layout is not forced on a new one."""


def save_window_state(window: QMainWindow) -> None:
    settings = QSettings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState(STATE_VERSION))


def restore_window_state(window: QMainWindow) -> bool:
    """Put the window back as it was when last closed; False if nothing was saved
    (or what was saved no longer fits), in which case the window keeps its defaults."""
    settings = QSettings()
    geometry = settings.value(GEOMETRY_KEY)
    state = settings.value(STATE_KEY)
    restored = False
    if isinstance(geometry, (QByteArray, bytes)):
        restored = window.restoreGeometry(QByteArray(geometry))
    if isinstance(state, (QByteArray, bytes)):
        restored = window.restoreState(QByteArray(state), STATE_VERSION) and restored
    return restored
