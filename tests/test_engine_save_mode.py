"""A saved graph gets the permissions any editor gives a file: what the umask
allows for a new file, the old file's own mode when it replaces one (the atomic
save's temporary file is private, and must not pass that on)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.examples import SEED_EXAMPLE
from engine.fileformat import read_file, spec_to_data, write_json_atomic


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def seed_data() -> dict:
    return spec_to_data(read_file(SEED_EXAMPLE))


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    target = tmp_path / "graph.json"
    with umask(mask):
        write_json_atomic(target, seed_data())
    assert mode(target) == expected
    assert read_file(target).graph["output"] == "d"


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    target.write_text("{}")
    target.chmod(0o640)
    with umask(0o022):
        write_json_atomic(target, seed_data())
    assert mode(target) == 0o640
    assert read_file(target).graph["output"] == "d"


def test_the_umask_is_left_as_it_was(tmp_path: Path) -> None:
    with umask(0o027):
        write_json_atomic(tmp_path / "graph.json", seed_data())
        assert os.umask(0o027) == 0o027
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"], "no temporary file left behind"
