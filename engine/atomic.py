"""Write a file beside its target and move it into place only when it is whole: a
failed or cancelled export leaves the folder as it was (no half-written file, and an
older file of that name untouched)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
    """`write(temporary)` fills a temporary file in the target's folder; then it replaces
    the target. Whatever `write` raises (a cancel too) removes the temporary and passes on."""
    target = Path(path)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        # mkstemp makes the file private; an export gets the mode any new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
