"""Export Image…: the choices for a picture of the canvas (PNG at 1×, 2× or 4× on
white or transparent, or SVG; the whole graph or the selection), remembered
between runs, with the size of the picture they give."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gui.canvas.scene import GraphScene
from gui.export.render import picture_bounds

SCALES = (1, 2, 4)
FORMATS = ("png", "svg")


def _flag(raw: object, default: bool) -> bool:
    # An ini file gives booleans back as the strings "true" and "false".
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return default


@dataclass
class ExportOptions:
    format: str = "png"
    scale: int = 2
    transparent: bool = False
    selection_only: bool = False

    @classmethod
    def load(cls) -> ExportOptions:
        """The last choices made (defaults where nothing, or nothing sensible, was kept)."""
        settings = QSettings()
        defaults = cls()
        fmt = settings.value("export/format", defaults.format)
        try:
            scale = int(settings.value("export/scale", defaults.scale))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            scale = defaults.scale
        return cls(format=fmt if fmt in FORMATS else defaults.format,
                   scale=scale if scale in SCALES else defaults.scale,
                   transparent=_flag(settings.value("export/transparent"), defaults.transparent),
                   selection_only=_flag(settings.value("export/selection_only"), defaults.selection_only))

    def save(self) -> None:
        settings = QSettings()
        settings.setValue("export/format", self.format)
        settings.setValue("export/scale", self.scale)
        settings.setValue("export/transparent", self.transparent)
        settings.setValue("export/selection_only", self.selection_only)

    @property
    def suffix(self) -> str:
        return f".{self.format}"


def picture_rect(scene: GraphScene, selection_only: bool) -> QRectF:
    """The scene area a picture covers: the graph (or the selected nodes and the
    wires between them) plus the picture margin."""
    chosen = set(scene.selected_node_ids()) if selection_only else None
    items = [item for node_id, item in scene.node_items.items() if chosen is None or node_id in chosen]
    items += [item for edge, item in scene.edge_items.items()
              if chosen is None or (edge[0] in chosen and edge[1] in chosen)]
    return picture_bounds(items)


def _radio_row(group: QButtonGroup, choices: list[tuple[str, int]]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for text, ident in choices:
        button = QRadioButton(text)
        group.addButton(button, ident)
        layout.addWidget(button)
    layout.addStretch(1)
    return row


class ExportDialog(QDialog):
    def __init__(self, scene: GraphScene, options: ExportOptions, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export Image")
        self.scene = scene
        self.has_selection = bool(scene.selected_node_ids())

        self.format_group = QButtonGroup(self)
        self.scale_group = QButtonGroup(self)
        self.background_group = QButtonGroup(self)
        self.scope_group = QButtonGroup(self)
        form = QFormLayout()
        form.addRow("Format:", _radio_row(self.format_group, [("PNG image", 0), ("SVG drawing", 1)]))
        form.addRow("Scale:", _radio_row(self.scale_group, [(f"{scale}×", scale) for scale in SCALES]))
        form.addRow("Background:", _radio_row(self.background_group, [("White", 0), ("Transparent", 1)]))
        form.addRow("Include:", _radio_row(self.scope_group, [("Whole graph", 0), ("Selected nodes", 1)]))
        self.size_label = QLabel()
        self.size_label.setObjectName("export_size")
        form.addRow("Size:", self.size_label)
        stage_label = QLabel(stage)
        stage_label.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        export = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        export.setDefault(True)
        self.export_button = export
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(stage_label)
        layout.addWidget(buttons)

        self.format_group.button(FORMATS.index(options.format)).setChecked(True)
        self.scale_group.button(options.scale).setChecked(True)
        self.background_group.button(int(options.transparent)).setChecked(True)
        self.scope_group.button(int(options.selection_only and self.has_selection)).setChecked(True)
        self.scope_group.button(1).setEnabled(self.has_selection)
        if not self.has_selection:
            self.scope_group.button(1).setToolTip("Select nodes on the canvas first")
        for group in (self.format_group, self.scale_group, self.background_group, self.scope_group):
            group.idToggled.connect(lambda _id, _checked: self._update())
        self._update()
        export.setFocus()  # Return exports; the focus would otherwise land on Cancel

    def options(self) -> ExportOptions:
        return ExportOptions(format=FORMATS[self.format_group.checkedId()],
                             scale=self.scale_group.checkedId(),
                             transparent=self.background_group.checkedId() == 1,
                             selection_only=self.scope_group.checkedId() == 1)

    def _update(self) -> None:
        options = self.options()
        png = options.format == "png"
        for group in (self.scale_group, self.background_group):
            for button in group.buttons():
                button.setEnabled(png)
        rect = picture_rect(self.scene, options.selection_only)
        if png:
            width, height = round(rect.width() * options.scale), round(rect.height() * options.scale)
            self.size_label.setText(f"{width} × {height} pixels")
        else:
            self.size_label.setText(f"{round(rect.width())} × {round(rect.height())} points, "
                                    "sharp at any size (white background)")
