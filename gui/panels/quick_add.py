"""The quick op list (Tab or double-click on the canvas, or a wire dropped on empty
canvas): type to search, Enter or a click adds the node where the cursor was.

Besides an op's name, the search box takes two short forms, so a teacher can name
as they add: `x1 = 2` makes an input x1 with the value 2 (as in the expression
language), and `n = add` (any op, filtered as usual) makes an add node named n."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from engine.errors import StudioError
from engine.ops import OpRegistry
from engine.values import parse_value_text
from gui import theme
from gui.panels.palette import OP_ROLE, op_matches

WIDTH = 340
HEIGHT = 380
MIN_HEIGHT = 160
PLACEHOLDER = "op name, or x1 = 2, or n = add"


@dataclass(frozen=True)
class Choice:
    """What was picked: an op, and the name and value typed with it (if any)."""

    op: str
    name: str | None = None
    value_text: str | None = None


def parse_entry(text: str) -> tuple[str | None, str]:
    """Split `name = rest` into (name, rest); text without `=` has no name."""
    if "=" not in text:
        return None, text
    name, _, rest = text.partition("=")
    return (name.strip() or None), rest.strip()


def fit_rect(wanted: QRect, bounds: QRect) -> QRect:
    """`wanted` moved (and if need be shrunk) so that it lies inside `bounds`: a popup
    opened near the window's bottom or right edge opens upward or leftward instead."""
    width = min(wanted.width(), bounds.width())
    height = min(wanted.height(), bounds.height())
    x = min(max(wanted.x(), bounds.left()), bounds.right() + 1 - width)
    y = wanted.y()
    if y + height > bounds.bottom() + 1:
        # Room below the point is short: open above it if there is more room there.
        above = wanted.y() - height
        y = above if above >= bounds.top() else bounds.bottom() + 1 - height
    y = max(y, bounds.top())
    return QRect(x, y, width, height)


class QuickAddPopup(QFrame):
    opChosen = Signal(str)
    """A plain op was chosen and nobody passed `on_choose` (kept for simple callers)."""

    def __init__(self, registry: OpRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.registry = registry
        self.search = QLineEdit()
        self.search.setPlaceholderText(PLACEHOLDER)
        self.search.setToolTip("Type to filter. x1 = 2 adds an input named x1 with the value 2; "
                               "n = add adds an add node named n.")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet(f"color: {theme.CARD_MUTED.name()}")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.FAILED.name()}")
        self.list = QListWidget()
        # Long summaries wrap onto a second line instead of running out of the popup.
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.error)
        layout.addWidget(self.list)
        self._fill()
        self.allowed: set[str] | None = None
        self._on_choose: Callable[[Choice], str | None] | None = None
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        self.resize(WIDTH, HEIGHT)

    def set_registry(self, registry: OpRegistry) -> None:
        """List another registry's ops (the window opened another document)."""
        if registry is not self.registry:
            self.registry = registry
            self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for op in self.registry:
            item = QListWidgetItem(f"{op.symbol}   {op.name} — {op.summary}")
            item.setData(OP_ROLE, op.name)
            item.setToolTip(op.tooltip())
            self.list.addItem(item)

    def open_at(self, global_position: QPoint, ops: Iterable[str] | None = None, heading: str = "",
                on_choose: Callable[[Choice], str | None] | None = None, leftward: bool = False) -> None:
        """Show the list at a point, kept inside the window; `ops` limits the list (a
        wire dropped on the canvas offers only ops that can take it). `on_choose` gets
        the Choice and returns None when done, or a sentence saying why it was refused
        (a name in use), which the popup shows while it stays open for a new try.
        `leftward` puts the popup's right edge at the point (the new node goes left of
        it, so the card the wire came from stays in sight)."""
        self.allowed = set(ops) if ops is not None else None
        self._on_choose = on_choose
        self.heading.setText(heading)
        self.heading.setVisible(bool(heading))
        self.error.clear()
        self.error.hide()
        self.search.clear()
        self._filter("")
        corner = global_position - QPoint(WIDTH, 0) if leftward else global_position
        self.setGeometry(fit_rect(QRect(corner, QSize(WIDTH, HEIGHT)), self._bounds()))
        self.show()
        self.search.setFocus()

    def _bounds(self) -> QRect:
        """Where the popup may go: the window's frame (or the screen, with no window)."""
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        if window is not None and window.isVisible():
            bounds = window.frameGeometry()
        else:
            screen = QGuiApplication.primaryScreen()
            bounds = screen.availableGeometry() if screen is not None else QRect(0, 0, 1600, 1000)
        # A window shorter than the list still gets a usable list (it may then overlap the edge).
        if bounds.height() < MIN_HEIGHT:
            bounds.setHeight(MIN_HEIGHT)
        return bounds

    def visible_ops(self) -> list[str]:
        return [self.list.item(r).data(OP_ROLE) for r in range(self.list.count()) if not self.list.item(r).isHidden()]

    def _filter(self, text: str) -> None:
        self.error.hide()
        name, rest = parse_entry(text)
        makes_input = name is not None and self._is_value(rest)  # `x1 = 2`: only the input it makes is shown
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            op_name = item.data(OP_ROLE)
            matches = op_name == "input" if makes_input else op_matches(self.registry[op_name], rest)
            hidden = (self.allowed is not None and op_name not in self.allowed) or not matches
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    @staticmethod
    def _is_value(text: str) -> bool:
        if not text:
            return False
        try:
            parse_value_text(text)
        except StudioError:
            return False
        return True

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if event.key() == Qt.Key.Key_Down else -1)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.list.currentItem()
                if item is not None and not item.isHidden():
                    self._choose(item)
                return True
        return super().eventFilter(watched, event)

    def _step(self, direction: int) -> None:
        rows = [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]
        if not rows:
            return
        current = self.list.currentRow()
        position = rows.index(current) if current in rows else -direction
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, position + direction))])

    def _choose(self, item: QListWidgetItem) -> None:
        op = item.data(OP_ROLE)
        name, rest = parse_entry(self.search.text())
        value_text = rest if name is not None and op == "input" and self._is_value(rest) else None
        choice = Choice(op, name, value_text)
        if self._on_choose is None:
            self.hide()
            self.opChosen.emit(op)
            return
        # Hidden first, so the name editor the choice may open gets the focus.
        self.hide()
        refusal = self._on_choose(choice)
        if refusal:
            self.error.setText(refusal)
            self.error.show()
            self.show()
            self.search.setFocus()
            self.search.selectAll()
