"""Notes on the canvas: Markdown text boxes a teacher places beside the graph, kept in
the file as `graph.notes`, a list of {"text", "x", "y", "width", "height"} (x, y the
box's top-left corner in scene units). A file without the key has no notes; the
list is checked on load like everything else, and refused in one sentence."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from engine.errors import FileFormatError

KEY = "notes"
MIN_WIDTH = 60.0
MIN_HEIGHT = 30.0
DEFAULT_WIDTH = 220.0
DEFAULT_HEIGHT = 90.0
MAX_TEXT = 100_000
"""Characters in one note: far beyond any slide, short of a file that hangs the editor."""


@dataclass(frozen=True)
class Note:
    text: str
    x: float
    y: float
    width: float = DEFAULT_WIDTH
    height: float = DEFAULT_HEIGHT

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def moved_to(self, x: float, y: float) -> Note:
        return replace(self, x=float(x), y=float(y))

    def resized(self, width: float, height: float) -> Note:
        return replace(self, width=max(MIN_WIDTH, float(width)), height=max(MIN_HEIGHT, float(height)))

    def with_text(self, text: str) -> Note:
        return replace(self, text=text)


def _number(raw: Any, what: str, place: str, positive: bool = False) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise FileFormatError(f"{place} has a {what} that is not a finite number")
    if positive and raw <= 0:
        raise FileFormatError(f"{place} has a {what} that is not more than 0")
    return float(raw)


def parse_notes(raw: Any) -> list[Note]:
    """The notes of a file's `graph.notes` (None: no notes); FileFormatError otherwise."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FileFormatError("its graph.notes is not a list of notes")
    notes = []
    for k, entry in enumerate(raw, 1):
        place = f"its note {k}"
        if not isinstance(entry, dict):
            raise FileFormatError(f"{place} is not an object with text, x, y, width and height")
        text = entry.get("text")
        if not isinstance(text, str):
            raise FileFormatError(f"{place} has no text (a string of Markdown)")
        if len(text) > MAX_TEXT:
            raise FileFormatError(f"{place} is longer than {MAX_TEXT:,} characters")
        x, y = _number(entry.get("x"), "x", place), _number(entry.get("y"), "y", place)
        width = _number(entry.get("width"), "width", place, positive=True)
        height = _number(entry.get("height"), "height", place, positive=True)
        notes.append(Note(text, x, y, width, height))
    return notes


def notes_to_json(notes: list[Note]) -> list[dict[str, Any]] | None:
    """What goes into `graph.notes`: None (no key at all) when there are none."""
    return [note.to_json() for note in notes] or None
