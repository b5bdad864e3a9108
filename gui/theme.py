"""Colours, fonts and sizes: one colour for values, one for gradients, everywhere
(CS231n's circuit diagrams: the value in green above the wire, the gradient in red below)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

from engine.steps import Phase

VALUE = QColor("#2e7d32")
GRADIENT = QColor("#c62828")
VALUE_SOFT = QColor(46, 125, 50, 40)
TANGENT = QColor("#5e35b1")
"""Forward mode's tangents (a dual number's ε-part): neither the value green nor the gradient red."""

PHASE_COLOURS = {Phase.FORWARD: VALUE, Phase.BACKWARD: GRADIENT, Phase.TANGENT: TANGENT}
"""A step's colour, everywhere: rows, tokens, highlights, the timeline."""

CANVAS = QColor("#fafafa")
GRID_DOT = QColor("#d0d4da")
CARD = QColor("#ffffff")
CARD_BORDER = QColor("#9aa3ad")
CARD_TEXT = QColor("#1f2933")
CARD_MUTED = QColor("#6b7785")
SELECTION = QColor("#1e88e5")
HOVER = QColor("#90caf9")
INCOMPLETE = QColor("#ef6c00")
FAILED = QColor("#d32f2f")
WIRE = QColor("#5f6b78")
WIRE_LIVE = QColor("#1e88e5")
PORT = QColor("#ffffff")
PORT_BORDER = QColor("#5f6b78")
PORT_VALID = QColor("#43a047")
OUTPUT_MARK = QColor("#37474f")

GROUP_COLOURS = {
    "Inputs": QColor("#e3f2fd"),
    "Arithmetic": QColor("#fff3e0"),
    "Functions": QColor("#f3e5f5"),
    "Reductions": QColor("#e0f2f1"),
    "Linear algebra": QColor("#e8eaf6"),
    "Losses": QColor("#fbe9e7"),
    "Custom": QColor("#fff8e1"),
}

TEXT_LOD = 0.45
"""Below this zoom cards, wires and tokens drop their small text (it would be unreadable anyway)."""

FONT_FAMILY = "DejaVu Sans"


def font(point_size: float, bold: bool = False) -> QFont:
    result = QFont(FONT_FAMILY)
    result.setPointSizeF(point_size)
    result.setBold(bold)
    return result


def mono_font(point_size: float) -> QFont:
    result = QFont("DejaVu Sans Mono")
    result.setStyleHint(QFont.StyleHint.Monospace)
    result.setPointSizeF(point_size)
    return result
