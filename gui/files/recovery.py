"""Crash safety. While a session has unsaved changes, its document is written
(debounced) to a recovery file of its own, beside a lock file that says the
session is alive. A normal close or a save removes the recovery file. A recovery
file whose lock nobody holds was left by a session that crashed: the next start
offers to restore it. Two running copies of the app never take each other's."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

from engine.document import GraphDocument
from engine.fileformat import parse_data, write_json_atomic
from gui.files.dialogs import file_problem
from gui.observing import subscriptions_of

RECOVERY_DELAY_MS = 2000
RECOVERY_FORMAT = "backprop-studio-recovery"


def default_directory() -> Path:
    """Where recovery files live (tests point this at a temporary folder)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) / "recovery"


@dataclass
class RecoveredGraph:
    """A recovery file a crashed session left behind."""

    file: Path
    graph: dict[str, Any]
    """The document, in file format."""
    belongs_to: Path | None
    """The file the document was opened from or saved to; None if it was untitled."""
    written_at: datetime

    @property
    def name(self) -> str:
        if self.belongs_to is not None:
            return self.belongs_to.name
        name = self.graph.get("graph", {}).get("name")
        return f"“{name}”" if name else "an untitled graph"

    def document(self) -> GraphDocument:
        """Raises FileFormatError if the graph in the file is not a valid graph."""
        return GraphDocument.from_spec(parse_data(self.graph))


def _lock_for(recovery_file: Path) -> QLockFile:
    lock = QLockFile(str(recovery_file.with_suffix(".lock")))
    # Only a dead owner makes a lock stale: a session idle for hours is still alive.
    lock.setStaleLockTime(0)
    return lock


class RecoveryFiles:
    """This session's recovery file, and the ones crashed sessions left behind."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.path = self.directory / f"session-{uuid.uuid4().hex}.json"
        self._lock: QLockFile | None = None

    def write(self, graph: dict[str, Any], belongs_to: Path | None) -> None:
        """Raises OSError if the file cannot be written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._lock is None:
            lock = _lock_for(self.path)
            if not lock.tryLock(0):
                raise OSError(f"cannot lock {lock.fileName()}")
            self._lock = lock
        write_json_atomic(self.path, {
            "format": RECOVERY_FORMAT,
            "belongs_to": str(belongs_to) if belongs_to is not None else None,
            "written_at": datetime.now().isoformat(timespec="seconds"),
            "graph": graph,
        })

    def discard(self) -> None:
        # Nothing to keep, so nothing to report: a folder that vanished or was never
        # made holds no recovery file.
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """The session ends normally: nothing to recover, and the lock goes."""
        self.discard()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def orphans(self) -> list[RecoveredGraph]:
        """Recovery files of sessions that are no longer running, newest first.
        A file that cannot be read is renamed aside (kept, never offered again)."""
        if not self.directory.is_dir():
            return []
        found = []
        for file in self.directory.glob("session-*.json"):
            if file == self.path:
                continue
            lock = _lock_for(file)
            if not lock.tryLock(0):
                continue  # its session is still running
            lock.unlock()
            try:
                found.append(_read(file))
            except (OSError, ValueError, KeyError, TypeError):
                file.replace(file.with_suffix(".unreadable"))
        return sorted(found, key=lambda recovered: recovered.written_at, reverse=True)

    def remove(self, recovered: RecoveredGraph) -> None:
        recovered.file.unlink(missing_ok=True)
        recovered.file.with_suffix(".lock").unlink(missing_ok=True)


def _read(file: Path) -> RecoveredGraph:
    data = json.loads(file.read_text(encoding="utf-8"))
    if data.get("format") != RECOVERY_FORMAT or not isinstance(data.get("graph"), dict):
        raise ValueError(f"{file.name} is not a recovery file")
    belongs_to = data.get("belongs_to")
    return RecoveredGraph(file, data["graph"], Path(belongs_to) if isinstance(belongs_to, str) else None,
                          datetime.fromisoformat(data["written_at"]))


class RecoveryWriter(QObject):
    """Writes the window's document to this session's recovery file at most every
    `delay_ms`, and only while there are unsaved changes (a clean document has
    nothing to recover, so its file is removed instead)."""

    failed = Signal(str)
    """One sentence, the first time a write fails (not on every retry)."""

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, files: RecoveryFiles,
                 belongs_to: Callable[[], Path | None], parent: QObject | None = None,
                 delay_ms: int = RECOVERY_DELAY_MS) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.files = files
        self.belongs_to = belongs_to
        self._failing = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.write_now)
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.changed, self.schedule)
        undo_stack.cleanChanged.connect(self.schedule)

    def schedule(self, *_args: Any) -> None:
        # Not restarted by further changes: someone editing without pause is still
        # covered every `delay_ms`.
        if not self.timer.isActive():
            self.timer.start()

    def write_now(self) -> None:
        self.timer.stop()
        if self.undo_stack.isClean():
            self.files.discard()
            return
        try:
            self.files.write(self.document.to_data(), self.belongs_to())
        except (OSError, ValueError) as error:
            if not self._failing:
                self.failed.emit(f"Cannot write the recovery file: {file_problem(error)}.")
            self._failing = True
            return
        self._failing = False

    def close(self) -> None:
        """A normal close: stop watching and remove the recovery file."""
        self.timer.stop()
        self._subscriptions.release()
        self.files.close()
