"""The file session alone, without a window: its questions are answered by a
stand-in, and what it does is read from the document, the disk and its signals."""

from __future__ import annotations

from pathlib import Path

import pytest
from file_helpers import copy_example, file_data

from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.fileformat import read_file
from gui.editing.editor import GraphEditor
from gui.files.recent import RecentFiles
from gui.files.recovery import RecoveryFiles
from gui.files.session import FileSession


class StandIn:
    """Answers the session's questions from lists and records what it was asked."""

    def __init__(self, unsaved: list[str] | None = None, save_path: Path | None = None,
                 open_path: Path | None = None) -> None:
        self.unsaved = list(unsaved or [])
        self.save_path = save_path
        self.open_path = open_path
        self.asked: list[tuple[str, str, bool]] = []
        self.errors: list[tuple[str, str]] = []
        self.save_suggestions: list[Path] = []

    def ask_unsaved(self, reason: str, name: str, offer_save: bool = True) -> str:
        self.asked.append((reason, name, offer_save))
        return self.unsaved.pop(0)

    def ask_restore(self, recovered) -> str:
        return "later"

    def show_error(self, text: str, detail: str = "") -> None:
        self.errors.append((text, detail))

    def choose_open_path(self) -> Path | None:
        return self.open_path

    def choose_save_path(self, suggested: Path) -> Path | None:
        self.save_suggestions.append(suggested)
        return self.save_path


class Session:
    """A session on a fresh document with an editor for making changes, recording its signals."""

    def __init__(self, tmp_path: Path, questions: StandIn) -> None:
        self.document = GraphDocument()
        self.editor = GraphEditor(self.document)
        self.questions = questions
        self.session = FileSession(self.document, self.editor.undo_stack, questions,
                                   recent=RecentFiles(), recovery_files=RecoveryFiles(tmp_path / "recovery"))
        self.signals: list[str] = []
        self.session.pathChanged.connect(lambda: self.signals.append("path"))
        self.session.dirtyChanged.connect(lambda dirty: self.signals.append(f"dirty {dirty}"))
        self.session.opened.connect(lambda: self.signals.append("opened"))
        self.messages: list[str] = []
        self.session.message.connect(self.messages.append)

    def edit(self) -> str:
        node_id = self.editor.add_node("input", 10.0, 20.0)
        assert node_id is not None
        return node_id


@pytest.fixture
def make(qapp, tmp_path):
    def make_session(**answers) -> Session:
        return Session(tmp_path, StandIn(**answers))
    return make_session


def test_opening_a_file_names_the_session_and_leaves_it_clean(make, tmp_path):
    s = make()
    path = copy_example(tmp_path)
    assert s.session.open_path(path)
    assert s.document.to_data() == file_data(path)
    assert s.session.path == path.resolve() and not s.session.dirty
    assert s.session.display_name() == "tanh_neuron.json"
    assert "opened" in s.signals and s.signals[-1] == "path"
    assert s.messages == ["Opened tanh_neuron.json."]
    assert s.session.recent.paths()[0] == path.resolve()
    assert s.questions.asked == [], "a clean document is replaced without a question"


@pytest.mark.parametrize("content", ["{not json", '{"nodes": [{"id": "a", "op": "frobnicate"}]}'])
def test_a_bad_file_is_an_error_and_changes_nothing(make, tmp_path, content):
    s = make(unsaved=["discard"])
    good = copy_example(tmp_path)
    assert s.session.open_path(good)
    node_id = s.edit()
    before = s.document.to_data()
    s.signals.clear()
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")

    assert not s.session.open_path(bad)
    assert len(s.questions.errors) == 1
    text, _detail = s.questions.errors[0]
    with pytest.raises(FileFormatError) as refused:
        read_file(bad)
    assert text == str(refused.value) and text.startswith("Cannot open bad.json: ")
    assert s.document.to_data() == before and node_id in s.document
    assert s.session.path == good.resolve() and s.session.dirty
    assert s.signals == [] and s.questions.asked == [], "refused before anything was asked or replaced"


def test_save_writes_the_document_and_makes_it_clean(make, tmp_path):
    target = tmp_path / "mine.json"
    s = make(save_path=target)
    s.edit()
    assert s.session.dirty and s.signals == ["dirty True"]
    s.session.recovery.write_now()
    assert s.session.recovery_files.path.exists(), "unsaved work has a recovery file"

    assert s.session.save()  # untitled: Save asks where, proposing the suggested name
    assert s.questions.save_suggestions[0].name == "untitled.json"
    assert file_data(target) == s.document.to_data()
    assert not s.session.dirty and s.session.path == target.resolve()
    assert s.signals[-2:] == ["dirty False", "path"]
    assert s.messages[-1] == "Saved mine.json."
    assert not s.session.recovery_files.path.exists(), "saved work needs no recovery file"

    s.edit()
    assert s.session.save()
    assert len(s.questions.save_suggestions) == 1, "a graph with a file saves without asking"
    assert file_data(target) == s.document.to_data()


def test_a_failed_save_says_so_and_stays_unsaved(make, tmp_path):
    s = make(save_path=tmp_path / "no such folder" / "graph.json")
    s.edit()
    assert not s.session.save()
    assert s.questions.errors[0][0].startswith("Cannot save graph.json: ")
    assert s.session.dirty and s.session.path is None


def test_revert_asks_without_offering_to_save_and_goes_back(make, tmp_path):
    s = make(unsaved=["cancel", "discard"])
    path = copy_example(tmp_path)
    assert s.session.open_path(path)
    added = s.edit()

    s.session.revert()  # cancelled
    assert s.questions.asked == [("reverting to the saved file", "tanh_neuron.json", False)]
    assert added in s.document and s.session.dirty

    s.session.revert()  # discard
    assert added not in s.document and s.document.to_data() == file_data(path)
    assert not s.session.dirty and s.session.path == path.resolve()
    assert not s.editor.undo_stack.canUndo(), "the history starts again at the saved file"
    assert s.messages[-1] == "Reverted to the saved tanh_neuron.json."


def test_revert_of_a_file_that_became_unreadable_keeps_the_changes(make, tmp_path):
    s = make(unsaved=[])
    path = copy_example(tmp_path)
    assert s.session.open_path(path)
    added = s.edit()
    path.write_text("{broken", encoding="utf-8")
    s.session.revert()
    assert s.questions.errors[0][1] == "Your graph is still open with its changes."
    assert added in s.document and s.session.dirty


def test_an_untitled_graph_asks_by_its_name_and_cancelling_save_as_cancels_the_open(make, tmp_path):
    s = make(unsaved=["save"], save_path=None, open_path=copy_example(tmp_path))
    s.document.set_graph_attr("name", "my graph")
    s.edit()
    s.session.open_graph()
    assert s.questions.asked == [("opening another graph", "“my graph”", True)]
    assert s.session.path is None and s.session.dirty, "no file was chosen, so nothing was opened"
