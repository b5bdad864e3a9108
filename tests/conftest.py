"""Shared fixtures. Qt runs offscreen, and settings and standard paths are isolated
so tests never touch a person's own settings, recent files or recovery files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_qt_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
    except ImportError:  # engine-only environments
        return
    QStandardPaths.setTestModeEnabled(True)
    QCoreApplication.setOrganizationName("Backprop Studio Tests")
    QCoreApplication.setApplicationName("Backprop Studio Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("settings")))


@pytest.fixture
def seed_document():
    from engine.document import GraphDocument
    from engine.examples import SEED_EXAMPLE
    from engine.fileformat import read_file

    return GraphDocument.from_spec(read_file(SEED_EXAMPLE))


@pytest.fixture
def window(qtbot, seed_document):
    """The main window on the seed example d = a*(b+c), shown offscreen."""
    from gui.main_window import MainWindow

    main_window = MainWindow(seed_document)
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    main_window.view.fit_graph()
    main_window.presenter.refresh()
    return main_window


@pytest.fixture(autouse=True)
def _file_questions_answered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                             tmp_path_factory: pytest.TempPathFactory) -> None:
    """Qt tests: a window closed at the end of a test with unsaved changes discards
    them instead of waiting on the Save/Discard/Cancel box, and recovery files go to
    a folder of the test's own. Tests of those features patch them again."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        return
    request.getfixturevalue("qapp")  # the gui modules make fonts when imported
    from gui.files import recovery
    from gui.files.dialogs import FileQuestions

    monkeypatch.setattr(FileQuestions, "ask_unsaved", lambda self, reason, name, offer_save=True: "discard")
    monkeypatch.setattr(FileQuestions, "ask_restore", lambda self, recovered: "later")
    directory = tmp_path_factory.mktemp("recovery")
    monkeypatch.setattr(recovery, "default_directory", lambda: directory)


@pytest.fixture(autouse=True)
def _clipboard_left_empty(request: pytest.FixtureRequest):
    """Qt's offscreen platform crashes at exit if the clipboard still holds data a test
    put there (a real display hands it to the clipboard manager instead)."""
    yield
    if {"qtbot", "qapp", "window"} & set(request.fixturenames):
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().clear()
