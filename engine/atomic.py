"""Write a file beside its target and move it into place only when it is whole: a
failed or cancelled write leaves the folder as it was (no half-written file, and an
older file of that name untouched). Saves, recovery files and every export use it."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def new_file_mode() -> int:
    """The mode a new file gets here: what the umask allows of 0o666."""
    umask = os.umask(0)  # the only portable way to read it is to set it
    os.umask(umask)
    return 0o666 & ~umask


def kept_mode(target: Path) -> int:
    """The target's own mode if it exists (a saved file keeps it), else a new file's."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return new_file_mode()


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object], mode: int | None = None) -> None:
    """`write(temporary)` fills a temporary file in the target's folder; then it replaces
    the target. Whatever `write` raises (a cancel too) removes the temporary and passes on.
    mkstemp makes the file private: it gets `mode`, by default a new file's."""
    target = Path(path)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        os.chmod(temporary, new_file_mode() if mode is None else mode)
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
