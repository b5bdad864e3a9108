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
