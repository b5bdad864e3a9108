"""Crash safety: unsaved changes reach a recovery file shortly after they are
made; a save, an undo back to the saved state or a normal close removes it; the
next start offers what a crashed session left, and restores it as unsaved work."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from file_helpers import Dialogs, answer, copy_example, edit, file_data, trigger

from engine.document import GraphDocument
from engine.fileformat import read_file
from gui.app import start_window
from gui.files import recovery
from gui.files.recovery import RECOVERY_DELAY_MS, RecoveryFiles

ROOT = Path(__file__).resolve().parent.parent
FAST_MS = 20


@pytest.fixture
def directory(monkeypatch, tmp_path) -> Path:
    """The recovery folder every window of this test uses."""
    folder = tmp_path / "recovery"
    monkeypatch.setattr(recovery, "default_directory", lambda: folder)
    return folder


def quick(window):
    window.files.recovery.timer.setInterval(FAST_MS)
    return window


@pytest.fixture
def opened(qtbot, directory, tmp_path, monkeypatch):
    """A window on a copy of the tanh neuron, opened as `main.py FILE` opens it."""
    path = copy_example(tmp_path)
    window = start_window([str(path)])
    qtbot.addWidget(window)
    return quick(window), path


def written(window) -> dict | None:
    file = window.files.recovery_files.path
    return json.loads(file.read_text()) if file.exists() else None


def test_unsaved_changes_reach_the_recovery_file(qtbot, opened):
    window, path = opened
    assert RECOVERY_DELAY_MS <= 5000, "a crash should cost seconds of work, not minutes"
    assert written(window) is None
    edit(window)
    qtbot.waitUntil(lambda: written(window) is not None, timeout=2000)
    record = written(window)
    assert record["belongs_to"] == str(path.resolve())
    assert record["graph"] == window.document.to_data()
    window.editor.set_value_text("x1", "7")
    qtbot.waitUntil(lambda: written(window)["graph"] == window.document.to_data(), timeout=2000)
    lock = window.files.recovery_files.path.with_suffix(".lock")
    assert lock.exists(), "a running session holds the lock on its recovery file"


def test_writes_are_debounced(qtbot, opened):
    window, _path = opened
    writes = []
    original = window.files.recovery_files.write
    window.files.recovery_files.write = lambda *args: (writes.append(1), original(*args))
    for step in range(20):
        window.editor.set_value_text("x1", str(step))
    qtbot.waitUntil(lambda: len(writes) == 1, timeout=2000)
    qtbot.wait(5 * FAST_MS)
    assert len(writes) == 1
    assert written(window)["graph"] == window.document.to_data()


def test_save_or_undo_back_to_clean_removes_the_file(qtbot, opened):
    window, _path = opened
    recovery_file = window.files.recovery_files.path
    edit(window)
    qtbot.waitUntil(recovery_file.exists, timeout=2000)
    window.editor.undo_stack.undo()
    qtbot.waitUntil(lambda: not recovery_file.exists(), timeout=2000)
    edit(window)
    qtbot.waitUntil(recovery_file.exists, timeout=2000)
    trigger(window, "save")
    assert not recovery_file.exists()


def test_a_normal_close_removes_the_file_and_its_lock(qtbot, opened, directory, monkeypatch):
    window, _path = opened
    edit(window)
    qtbot.waitUntil(lambda: written(window) is not None, timeout=2000)
    answer(monkeypatch, window, "discard")
    assert window.close()
    assert list(directory.iterdir()) == []


def test_a_running_session_is_never_offered_to_another(qtbot, opened, directory):
    window, _path = opened
    edit(window)
    qtbot.waitUntil(lambda: written(window) is not None, timeout=2000)
    assert RecoveryFiles(directory).orphans() == []


def crash_with_unsaved_changes(directory: Path, graph_file: Path, belongs_to: Path | None) -> None:
    """A separate process writes a recovery file and dies without cleaning up."""
    script = textwrap.dedent(f"""
        import json, os, sys
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from gui.files.recovery import RecoveryFiles
        graph = json.loads(Path({str(graph_file)!r}).read_text())
        graph["nodes"][0]["value"] = 42.0
        belongs_to = {str(belongs_to) if belongs_to else None!r}
        files = RecoveryFiles(Path({str(directory)!r}))
        files.write(graph, Path(belongs_to) if belongs_to else None)
        os._exit(1)  # no clean-up: the lock file stays, naming a process that is gone
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr


def test_after_a_crash_the_next_start_offers_and_restores(qtbot, directory, tmp_path, monkeypatch):
    path = copy_example(tmp_path)
    crash_with_unsaved_changes(directory, path, path)
    assert len(list(directory.glob("*.lock"))) == 1, "the crashed session's lock is left behind"
    offered = []

    def restore(_controller, recovered):
        offered.append(recovered.name)
        return "restore"

    from gui.files.dialogs import FileQuestions
    monkeypatch.setattr(FileQuestions, "ask_restore", restore)
    window = start_window([])
    qtbot.addWidget(window)
    assert offered == ["tanh_neuron.json"]
    assert window.document.value_of("x1") == 42.0
    assert window.files.path == path
    assert window.isWindowModified(), "restored work is unsaved until saved"
    assert window.windowTitle() == "tanh_neuron.json[*] — Backprop Studio"
    # What was restored is safe again at once, under this session's name.
    assert [file.name for file in directory.glob("*.json")] == [window.files.recovery_files.path.name]
    trigger(window, "save")
    assert GraphDocument.from_spec(read_file(path)).value_of("x1") == 42.0
    assert not window.isWindowModified()
    assert list(directory.glob("*.json")) == []


def test_restoring_an_untitled_graph_keeps_it_untitled(qtbot, directory, tmp_path, monkeypatch):
    crash_with_unsaved_changes(directory, copy_example(tmp_path, "fan_out.json"), None)
    from gui.files.dialogs import FileQuestions
    monkeypatch.setattr(FileQuestions, "ask_restore", lambda _self, _recovered: "restore")
    window = start_window([])
    qtbot.addWidget(window)
    assert window.files.path is None and window.isWindowModified()
    assert window.document.value_of("x") == 42.0
    dialogs = Dialogs(monkeypatch, save_path=tmp_path / "rescued.json")
    trigger(window, "save")
    assert Path(dialogs.save_calls[0][2]).name == "f_x_x_x_fan_out.json"
    assert file_data(tmp_path / "rescued.json") == window.document.to_data()


@pytest.mark.parametrize(("choice", "kept"), [("discard", False), ("later", True)])
def test_declining_the_offer(qtbot, directory, tmp_path, monkeypatch, choice, kept):
    crash_with_unsaved_changes(directory, copy_example(tmp_path), None)
    from gui.files.dialogs import FileQuestions
    monkeypatch.setattr(FileQuestions, "ask_restore", lambda _self, _recovered: choice)
    window = start_window([])
    qtbot.addWidget(window)
    assert window.document.value_of("a") is not None  # the seed example, as usual
    assert not window.isWindowModified()
    assert (len(RecoveryFiles(directory).orphans()) == 1) == kept


def test_an_unreadable_recovery_file_is_set_aside_not_offered(qtbot, directory):
    directory.mkdir()
    (directory / "session-broken.json").write_text("{ half a file")
    assert RecoveryFiles(directory).orphans() == []
    assert (directory / "session-broken.unreadable").exists()


def test_a_recovery_folder_that_cannot_be_written_is_reported_once(qtbot, tmp_path, monkeypatch):
    blocked = tmp_path / "not a folder"
    blocked.write_text("")
    monkeypatch.setattr(recovery, "default_directory", lambda: blocked / "recovery")
    window = quick(start_window([]))
    qtbot.addWidget(window)
    messages = []
    window.files.recovery.failed.connect(messages.append)
    edit(window)
    qtbot.waitUntil(lambda: bool(messages), timeout=2000)
    edit(window)
    qtbot.wait(5 * FAST_MS)
    assert len(messages) == 1 and messages[0].startswith("Cannot write the recovery file: ")
    assert window.isWindowModified(), "the document itself is untouched"
