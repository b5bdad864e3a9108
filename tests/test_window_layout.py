"""The canvas keeps priority in the window: docks give way at 800×600 and at the
window's minimum size, the right-hand docks share one column as tabs, the View
menu shows and hides every dock, and an empty canvas says how to start."""

from __future__ import annotations

from file_helpers import trigger
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from gui.canvas.empty_hint import EMPTY_CANVAS_TEXT
from gui.export.render import render_image
from gui.window.docks import CANVAS_MIN_WIDTH, NARROW_WINDOW


def docks(window) -> list[QDockWidget]:
    return [window.palette_dock, window.inspector_dock, window.history_dock, window.animation.trace_dock]


def resize(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().width() == max(width, window.minimumWidth()))
    QApplication.processEvents()


def test_at_800_by_600_the_canvas_keeps_most_of_the_width(qtbot, window):
    resize(qtbot, window, 800, 600)
    assert window.size().toTuple() == (800, 600)
    # It was 180 px wide: three docks side by side took the rest.
    assert window.view.width() >= 0.6 * 800, window.view.width()
    assert window.inspector_dock.isVisible() and window.inspector_dock.width() >= 220
    assert window.palette_dock.isHidden(), "a narrow window hides the palette (Tab and double-click still add)"


def test_at_the_minimum_size_the_canvas_is_still_usable(qtbot, window):
    resize(qtbot, window, 800, 600)
    minimum = window.minimumSize()
    assert minimum.width() <= 800 and minimum.height() <= 600, "the minimum fits a small screen"
    resize(qtbot, window, minimum.width(), minimum.height())
    assert window.size() == minimum
    assert window.view.width() >= CANVAS_MIN_WIDTH, window.view.width()
    assert window.view.height() >= 200
    inspector = window.inspector_dock
    assert inspector.isVisible() and inspector.geometry().right() <= window.width(), "the docks fit beside it"


def test_even_with_every_dock_shown_the_canvas_keeps_its_minimum(qtbot, window):
    resize(qtbot, window, 800, 600)
    window.palette_dock.show()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.width() >= 800 and window.minimumWidth() > 700)
    resize(qtbot, window, window.minimumWidth(), window.minimumHeight())
    assert window.palette_dock.isVisible()
    assert window.view.width() >= CANVAS_MIN_WIDTH
    # Closed again: the window may be narrow again.
    narrowest = window.minimumWidth()
    window.palette_dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.minimumWidth() < narrowest - 100)
    resize(qtbot, window, window.minimumWidth(), window.minimumHeight())
    assert window.view.width() >= CANVAS_MIN_WIDTH


def test_a_jump_straight_to_a_small_size_is_not_held_at_the_palettes_width(qtbot, window):
    # A half-screen snap on a 1366-pixel laptop: one resize, from wide to narrow.
    assert window.width() >= NARROW_WINDOW and window.palette_dock.isVisible()
    resize(qtbot, window, 683, 560)
    assert window.size().toTuple() == (683, 560)
    assert window.palette_dock.isHidden()
    assert window.view.width() >= CANVAS_MIN_WIDTH


def test_the_palette_comes_back_when_the_window_is_wide_again(qtbot, window):
    resize(qtbot, window, 800, 600)
    assert window.palette_dock.isHidden()
    resize(qtbot, window, NARROW_WINDOW + 300, 800)
    assert window.palette_dock.isVisible()
    assert window.palette_dock.width() >= 180, "back at a width its names fit in"


def test_a_palette_the_person_closed_stays_closed(qtbot, window):
    window.palette_dock.toggleViewAction().trigger()
    resize(qtbot, window, 800, 600)
    resize(qtbot, window, 1400, 900)
    assert window.palette_dock.isHidden()


def test_the_right_docks_are_tabs_of_one_column_with_the_inspector_in_front(window):
    tabbed = {dock.objectName() for dock in window.tabifiedDockWidgets(window.inspector_dock)}
    assert tabbed == {"history_dock", "trace_dock"}
    assert not window.inspector_dock.visibleRegion().isEmpty()
    assert window.history_dock.visibleRegion().isEmpty()


def test_the_view_menu_toggles_every_dock(qtbot, window):
    view_menu = window.menu("&View")
    for dock in docks(window):
        action = dock.toggleViewAction()
        assert action in view_menu.actions(), dock.objectName()
        assert action.text().replace("&", "") == f"{dock.windowTitle()} Panel"
        action.trigger()
        assert dock.isHidden() and not action.isChecked()
        action.trigger()
        QApplication.processEvents()
        assert dock.isVisible() and action.isChecked()
        assert not dock.visibleRegion().isEmpty(), f"{dock.objectName()} shown in front of its tabs"


def test_the_dock_keys(qtbot, window):
    keys = {dock.objectName(): dock.toggleViewAction().shortcut().toString() for dock in docks(window)}
    assert keys == {"palette_dock": "Ctrl+1", "inspector_dock": "Ctrl+2", "history_dock": "Ctrl+3",
                    "trace_dock": "Ctrl+4"}
    assert len({*keys.values()}) == 4
    others = {action.shortcut().toString() for action in window.findChildren(QAction)
              if action not in [dock.toggleViewAction() for dock in docks(window)]}
    assert not others & set(keys.values()), "no other action uses these keys"
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    QTest.keyClick(window.view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.history_dock.isHidden()


# --------------------------------------------------------------- empty canvas
def hint(window):
    return window.empty_hint


def test_a_new_graph_shows_the_hint_in_the_middle_of_the_canvas(qtbot, window):
    assert not hint(window).isVisible(), "the example has nodes"
    trigger(window, "new")
    assert len(window.document) == 0
    label = hint(window)
    assert label.isVisible() and label.text() == EMPTY_CANVAS_TEXT
    viewport = window.view.viewport()
    assert label.parentWidget() is viewport
    centre = label.geometry().center()
    assert abs(centre.x() - viewport.width() / 2) <= 2 and abs(centre.y() - viewport.height() / 2) <= 2
    assert viewport.rect().contains(label.geometry()), "the whole sentence is on the canvas"
    resize(qtbot, window, 800, 600)
    resize(qtbot, window, window.minimumWidth(), window.minimumHeight())
    centre = label.geometry().center()
    assert abs(centre.x() - viewport.width() / 2) <= 2, "still centred after a resize"
    assert label.width() >= label.sizeHint().width(), "nothing cut off in the narrowest canvas"


def test_the_hint_goes_when_a_node_is_added_and_returns_on_undo(qtbot, window):
    trigger(window, "new")
    window.view.setFocus()
    # What the hint says: a double-click on the canvas opens the op list there.
    centre = window.view.viewport().rect().center()
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    qtbot.waitUntil(lambda: window.quick_add.isVisible())
    QTest.keyClicks(window.quick_add.search, "input")
    QTest.keyClick(window.quick_add.search, Qt.Key.Key_Return)
    assert len(window.document) == 1
    assert not hint(window).isVisible()
    window.editor.undo_stack.undo()
    assert len(window.document) == 0 and hint(window).isVisible()


def test_the_hint_lets_clicks_through_and_is_not_in_pictures(qtbot, window):
    trigger(window, "new")
    label = hint(window)
    assert label.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    under = window.view.viewport().childAt(label.geometry().center())
    assert under is None or under is not label
    image = render_image(window.scene, transparent=True)
    assert all(image.pixelColor(x, y).alpha() == 0 for x in range(image.width()) for y in range(image.height()))
    # On screen the sentence is there: text-dark pixels inside the label's place.
    on_screen = window.view.viewport().grab().toImage()
    area = label.geometry()
    dark = sum(on_screen.pixelColor(QPoint(x, y)).lightness() < 160
               for x in range(area.left(), area.right(), 2) for y in range(area.top(), area.bottom(), 2))
    assert dark > 50
