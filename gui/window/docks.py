"""How the docks share the window with the canvas. The canvas has priority: it
never gets narrower than CANVAS_MIN_WIDTH (the docks shrink to their own minimum
widths first), the right-hand docks share one column as tabs, and when the window
gets narrow the Operations palette steps aside (Tab, double-click and right-click
still add operations; View ▸ Operations brings it back)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QStyle, QWidget

CANVAS_MIN_WIDTH = 400
CANVAS_MIN_HEIGHT = 240
NARROW_WINDOW = 1000
"""Below this window width the palette is hidden (it comes back above it)."""

DOCK_WIDTHS = {
    # object name: (minimum, maximum) width when docked
    "palette_dock": (150, 260),
    "inspector_dock": (220, 420),
    "history_dock": (220, 420),
    "trace_dock": (220, 480),
}
START_WIDTHS = {"palette_dock": 200, "inspector_dock": 280}
TOGGLE_SHORTCUTS = {"palette_dock": "Ctrl+1", "inspector_dock": "Ctrl+2", "history_dock": "Ctrl+3",
                    "trace_dock": "Ctrl+4"}


def limit_dock_widths(docks: list[QDockWidget]) -> None:
    """Docks that cannot grow past a sensible width (the spare room goes to the canvas)."""
    for dock in docks:
        minimum, maximum = DOCK_WIDTHS.get(dock.objectName(), (150, 420))
        widget = dock.widget()
        if widget is not None:
            # On the content, not the dock: a floating dock may still be any size.
            widget.setMinimumWidth(minimum)
            widget.setMaximumWidth(maximum)


def add_dock_toggles(menu: QMenu, docks: list[QDockWidget]) -> list[QAction]:
    """One checkable entry per dock (its own toggleViewAction), with Ctrl+1… keys.
    Showing a dock also brings its tab to the front."""
    actions = []
    for dock in docks:
        action = dock.toggleViewAction()
        if not action.objectName():  # the Trace panel's keeps the name the Animation menu gave it
            action.setObjectName(f"show_{dock.objectName()}")
        action.setText(f"&{dock.windowTitle()} Panel")
        shortcut = TOGGLE_SHORTCUTS.get(dock.objectName())
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(f"Show or hide the {dock.windowTitle()} panel")
        # After the dock's own handler (connected first) has shown it: bring its tab forward.
        action.triggered.connect(lambda shown, d=dock: d.raise_() if shown else None)
        menu.addAction(action)
        actions.append(action)
    return actions


class NarrowWindowDocks(QObject):
    """Hides the given docks when the window becomes narrower than NARROW_WINDOW and
    shows them again when it becomes wide, acting only when the window crosses that
    width: a dock the person shows or hides in between stays as they left it.

    It also keeps the window's minimum size: in a wide window it leaves these docks
    out (a jump straight to a small size, such as a half-screen snap, is not held at
    the width they would need: they are put aside on the way); in a narrow window
    it counts every dock shown, so the canvas never gets less than its minimum."""

    def __init__(self, window: QMainWindow, docks: list[QDockWidget]) -> None:
        super().__init__(window)
        self.host = window
        self.docks = docks
        self.narrow = False
        self.hidden_for_room: list[QDockWidget] = []
        for dock in docks:
            # Later, not now: the window's layout counts the dock until it has been hidden.
            dock.visibilityChanged.connect(lambda _visible: QTimer.singleShot(0, self._refresh_minimum))
        window.installEventFilter(self)
        self._refresh_minimum()

    def restore(self, hidden_for_room: list[QDockWidget]) -> None:
        """After the window's saved layout is back: `hidden_for_room` were put aside
        when it closed; a window that comes back narrow puts its docks aside now."""
        self.narrow, self.hidden_for_room = False, []
        if self.host.width() < NARROW_WINDOW:
            self.update()
            self.hidden_for_room += [dock for dock in hidden_for_room if dock not in self.hidden_for_room]
        else:
            for dock in hidden_for_room:
                dock.show()
        self._refresh_minimum()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.update()
        return False

    def update(self) -> None:
        narrow = self.host.width() < NARROW_WINDOW
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if narrow:
            self.hidden_for_room = [dock for dock in self.docks if not dock.isHidden() and not dock.isFloating()]
            for dock in self.hidden_for_room:
                dock.hide()
        else:
            for dock in self.hidden_for_room:
                dock.show()
            start_widths(self.host, self.hidden_for_room)  # not squeezed as they were when hidden
            self.hidden_for_room = []
        self._refresh_minimum()

    def _refresh_minimum(self) -> None:
        if not shiboken6.isValid(self.host):
            return  # a dock's last signal while the window is taken down
        needed = self.host.layout().totalMinimumSize()
        room = 0
        if not self.narrow:
            # Worked out, not measured by hiding them (which would undo their widths).
            separator = self.host.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None,
                                                        self.host)
            room = sum(dock.minimumSizeHint().width() + separator for dock in self.docks
                       if not dock.isHidden() and not dock.isFloating())
        # A window smaller than this grows to it (Qt does that when the minimum rises).
        self.host.setMinimumSize(needed.width() - room, needed.height())


def start_widths(window: QMainWindow, docks: list[QDockWidget]) -> None:
    """Docks start narrow (their content's wish is wider): the room goes to the canvas."""
    window.resizeDocks(docks, [START_WIDTHS.get(dock.objectName(), 240) for dock in docks],
                       Qt.Orientation.Horizontal)


def protect_canvas(canvas: QWidget) -> None:
    """The canvas keeps at least this much room; the window's minimum size follows."""
    canvas.setMinimumSize(CANVAS_MIN_WIDTH, CANVAS_MIN_HEIGHT)


def arrange_right_docks(window: QMainWindow, docks: list[QDockWidget], front: QDockWidget) -> None:
    """The right-hand docks as tabs of one column (they would otherwise stack and
    each take the column's width and part of its height), `front` on top."""
    first, *others = docks
    for dock in others:
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea:
            window.tabifyDockWidget(first, dock)
    front.raise_()
