"""Exports for teaching, through the File menu: PNG at 1×/2×/4× on white or
transparent, SVG, the selection alone, the current animation step, Copy Image,
the remembered choices, and Export with Results, which the app opens again."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from file_helpers import Dialogs, copy_example, file_data, problems, trigger
from PySide6.QtGui import QGuiApplication, QImage

from engine.document import GraphDocument
from engine.fileformat import read_file
from engine.values import value_to_json
from gui.export.actions import ExportActions
from gui.export.dialog import ExportDialog, ExportOptions


def choose(monkeypatch, options: ExportOptions | None) -> list[ExportOptions]:
    """Answer the Export Image dialog with `options`; returns the options it was opened with."""
    shown: list[ExportOptions] = []

    def dialog(_self, start: ExportOptions) -> ExportOptions | None:
        shown.append(start)
        return options

    monkeypatch.setattr(ExportActions, "choose_options", dialog)
    return shown


def export(window, monkeypatch, out: Path, **options) -> QImage | Path:
    choose(monkeypatch, ExportOptions(**options))
    Dialogs(monkeypatch, save_path=out)
    trigger(window, "export_image")
    assert out.exists(), problems(window)
    return QImage(str(out)) if out.suffix == ".png" else out


def colours(image: QImage) -> int:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    data = bytes(image.constBits())
    return len({data[i:i + 4] for i in range(0, len(data), 4 * 97)})


def test_png_sizes_follow_the_scale_and_the_picture_is_not_blank(qtbot, window, tmp_path, monkeypatch):
    images = {scale: export(window, monkeypatch, tmp_path / f"x{scale}.png", scale=scale) for scale in (1, 2, 4)}
    one = images[1]
    assert one.width() > 300 and one.height() > 150
    for scale in (2, 4):
        assert abs(images[scale].width() - scale * one.width()) <= scale
        assert abs(images[scale].height() - scale * one.height()) <= scale
    for image in images.values():
        assert colours(image) > 8, "the picture looks blank"
        corner = image.pixelColor(0, 0)
        assert (corner.red(), corner.green(), corner.blue(), corner.alpha()) == (255, 255, 255, 255)


def test_a_transparent_background_really_is_transparent(qtbot, window, tmp_path, monkeypatch):
    image = export(window, monkeypatch, tmp_path / "clear.png", scale=1, transparent=True)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    opaque = sum(image.pixelColor(x, image.height() // 2).alpha() == 255 for x in range(image.width()))
    assert opaque > image.width() // 10, f"nothing drawn across the middle (centre {centre.name()})"


def test_svg_parses_and_keeps_the_numbers_as_text(qtbot, window, tmp_path, monkeypatch):
    out = export(window, monkeypatch, tmp_path / "graph.svg", format="svg")
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join(text for element in root.iter() if element.tag.endswith("text")
                     for text in element.itertext())
    evaluation = window.presenter.evaluation
    assert f"{float(evaluation.value('d')):g}" in texts  # the output value, as text


def test_the_suffix_follows_the_format(qtbot, window, tmp_path, monkeypatch):
    choose(monkeypatch, ExportOptions(format="svg"))
    Dialogs(monkeypatch, save_path=tmp_path / "slide")
    trigger(window, "export_image")
    assert (tmp_path / "slide.svg").is_file()


def test_the_selection_alone_makes_a_smaller_picture(qtbot, window, tmp_path, monkeypatch):
    whole = export(window, monkeypatch, tmp_path / "whole.png", scale=1)
    window.scene.select_nodes(["b", "c", "s"])
    part = export(window, monkeypatch, tmp_path / "part.png", scale=1, selection_only=True)
    assert part.width() < whole.width()
    assert sorted(window.scene.selected_node_ids()) == ["b", "c", "s"], "the selection is given back"


def test_the_picture_shows_the_current_animation_step(qtbot, window, tmp_path, monkeypatch):
    end = export(window, monkeypatch, tmp_path / "end.png", scale=1)
    window.presenter.show_step(0)
    start = export(window, monkeypatch, tmp_path / "start.png", scale=1)
    assert start.size() == end.size()
    assert start != end
    window.presenter.show_step(None)
    again = export(window, monkeypatch, tmp_path / "again.png", scale=1)
    assert again == end


def test_the_choices_are_remembered_and_offered_next_time(qtbot, window, tmp_path, monkeypatch):
    chosen = ExportOptions(format="png", scale=4, transparent=True, selection_only=False)
    export(window, monkeypatch, tmp_path / "a.png", **vars(chosen))
    shown = choose(monkeypatch, None)  # cancelled this time
    Dialogs(monkeypatch, save_path=tmp_path / "never.png")
    trigger(window, "export_image")
    assert shown == [chosen]
    assert not (tmp_path / "never.png").exists()
    dialog = ExportDialog(window.scene, ExportOptions.load(), "", window)
    assert dialog.options() == chosen
    dialog.deleteLater()


def test_the_dialog_shows_the_size_and_offers_the_selection_only_when_there_is_one(qtbot, window, tmp_path,
                                                                                    monkeypatch):
    dialog = ExportDialog(window.scene, ExportOptions(scale=2, selection_only=True), "", window)
    qtbot.addWidget(dialog)
    assert not dialog.scope_group.button(1).isEnabled()
    assert dialog.options().selection_only is False
    image = export(window, monkeypatch, tmp_path / "two.png", scale=2)
    assert dialog.size_label.text() == f"{image.width()} × {image.height()} pixels"
    dialog.format_group.button(1).click()
    assert not dialog.scale_group.button(4).isEnabled()
    assert dialog.options().format == "svg"
    window.scene.select_nodes(["a"])
    with_selection = ExportDialog(window.scene, ExportOptions(), "", window)
    qtbot.addWidget(with_selection)
    assert with_selection.scope_group.button(1).isEnabled()


def test_an_unwritable_place_is_reported(qtbot, window, tmp_path, monkeypatch):
    choose(monkeypatch, ExportOptions())
    Dialogs(monkeypatch, save_path=tmp_path / "missing" / "x.png")
    trigger(window, "export_image")
    assert problems(window) == ["Cannot write x.png: No such file or directory."]


def test_copy_image_puts_the_same_png_on_the_clipboard(qtbot, window, tmp_path, monkeypatch):
    exported = export(window, monkeypatch, tmp_path / "same.png", scale=2, transparent=True)
    trigger(window, "copy_image")
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat("image/png")
    copied = QImage.fromData(bytes(mime.data("image/png").data()), "PNG")
    assert copied.size() == exported.size()
    assert copied.pixelColor(0, 0).alpha() == 0
    assert copied.convertToFormat(QImage.Format.Format_ARGB32) == exported.convertToFormat(
        QImage.Format.Format_ARGB32)


def test_export_with_results_adds_values_and_gradients_and_opens_again(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "with results.json"
    Dialogs(monkeypatch, save_path=out)
    trigger(window, "export_results")
    data = json.loads(out.read_text())
    evaluation = window.presenter.evaluation
    for node in data["nodes"]:
        assert node["result"] == {"value": value_to_json(evaluation.value(node["id"])),
                                  "grad": value_to_json(evaluation.grad(node["id"]))}
    for edge in data["edges"]:
        key = (edge["source"], edge["target"], edge["key"])
        assert edge["result"]["grad"] == value_to_json(evaluation.edge_grad(key))
    assert window.files.path is None, "an export does not change which file the graph belongs to"

    reopened = GraphDocument.from_spec(read_file(out))
    assert reopened.to_data() == window.document.to_data()
    assert window.files.open_path(out)
    assert window.document.to_data() == reopened.to_data()


@pytest.mark.parametrize("name", ["linear_layer_mse.json", "vector_broadcast.json"])
def test_export_with_results_of_arrays(qtbot, window, tmp_path, monkeypatch, name):
    window.files.open_path(copy_example(tmp_path, name))
    out = tmp_path / "arrays-results.json"
    Dialogs(monkeypatch, save_path=out)
    trigger(window, "export_results")
    assert file_data(out) == window.document.to_data()
    assert all(isinstance(node["result"]["value"], (list, float)) for node in json.loads(out.read_text())["nodes"])


def test_export_with_results_of_a_half_built_graph(qtbot, window, tmp_path, monkeypatch):
    trigger(window, "new")
    window.editor.add_node("input", 0.0, 0.0)
    window.editor.add_node("mul", 200.0, 0.0)  # nothing wired: the output cannot be computed
    out = tmp_path / "half.json"
    Dialogs(monkeypatch, save_path=out)
    trigger(window, "export_results")
    assert file_data(out) == window.document.to_data()
    results = {node["id"]: node["result"] for node in json.loads(out.read_text())["nodes"]}
    assert results["mul1"] == {"value": None, "grad": None}


def test_an_empty_graph_exports_a_small_picture(qtbot, window, tmp_path, monkeypatch):
    trigger(window, "new")
    image = export(window, monkeypatch, tmp_path / "empty.png", scale=1)
    assert 0 < image.width() < 400
