"""The Open Recent list, kept in QSettings: most recent first, no duplicates, and
files that no longer exist dropped whenever the list is read."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_KEY = "files/recent"
MAX_RECENT = 10


def _stored(settings: QSettings) -> list[str]:
    # An ini file gives back a one-entry list as a plain string, and nothing as None.
    raw = settings.value(RECENT_KEY)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw] if raw else []
    return [str(entry) for entry in raw if entry]


class RecentFiles:
    def paths(self) -> list[Path]:
        """The remembered files that still exist, most recent first."""
        settings = QSettings()
        stored = _stored(settings)
        existing = [entry for entry in stored if Path(entry).is_file()]
        if existing != stored:
            settings.setValue(RECENT_KEY, existing)
        return [Path(entry) for entry in existing]

    def add(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        settings = QSettings()
        entries = [entry, *(other for other in _stored(settings) if other != entry)]
        settings.setValue(RECENT_KEY, entries[:MAX_RECENT])

    def remove(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        settings = QSettings()
        settings.setValue(RECENT_KEY, [other for other in _stored(settings) if other != entry])

    def clear(self) -> None:
        QSettings().setValue(RECENT_KEY, [])


def menu_labels(paths: list[Path]) -> list[str]:
    """`name.json`, or `name.json (folder)` where two entries share a name."""
    names = [path.name for path in paths]
    return [f"{path.name} ({path.parent.name or path.parent})" if names.count(path.name) > 1 else path.name
            for path in paths]
