"""The window's size, place and dock layout, kept in QSettings between runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QDockWidget, QMainWindow

if TYPE_CHECKING:
    from gui.window.docks import NarrowWindowDocks

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
HIDDEN_FOR_ROOM_KEY = "window/hidden_for_room"
STATE_VERSION = 2
"""Bump when the set of docks or toolbars changes, so an old layout is not forced on a new one.
2: the right-hand docks became tabs of one column."""


def save_window_state(window: QMainWindow, narrow_docks: NarrowWindowDocks | None = None) -> None:
    settings = QSettings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState(STATE_VERSION))
    # Docks a narrow window put aside are the window's doing, not the person's: remember
    # them apart, so they come back when the window is wide again, as they would have.
    hidden = [dock.objectName() for dock in narrow_docks.hidden_for_room] if narrow_docks is not None else []
    settings.setValue(HIDDEN_FOR_ROOM_KEY, hidden)


def restore_window_state(window: QMainWindow, narrow_docks: NarrowWindowDocks | None = None) -> bool:
    """Put the window back as it was when last closed; False if nothing was saved
    (or what was saved no longer fits), in which case the window keeps its defaults."""
    settings = QSettings()
    geometry = settings.value(GEOMETRY_KEY)
    state = settings.value(STATE_KEY)
    restored = False
    # The docks first: they set the window's minimum size, which the geometry must not be held to.
    if isinstance(state, (QByteArray, bytes)):
        restored = window.restoreState(QByteArray(state), STATE_VERSION)
        window.layout().activate()  # the minimum size of the docks as restored, not as built
    if isinstance(geometry, (QByteArray, bytes)):
        restored = window.restoreGeometry(QByteArray(geometry)) and (restored or state is None)
    if narrow_docks is not None and restored:
        names = settings.value(HIDDEN_FOR_ROOM_KEY) or []
        names = [names] if isinstance(names, str) else list(names)
        put_aside = [dock for dock in window.findChildren(QDockWidget) if dock.objectName() in names]
        narrow_docks.restore([dock for dock in put_aside if dock.isHidden()])
    return restored
