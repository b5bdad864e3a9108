"""Export Animation…: which part of the pass becomes a GIF (the whole pass, forward
only, backward only, or the phase the canvas is in) and at what scale, with the size,
the number of frames and how long it plays."""

from __future__ import annotations

from dataclasses import dataclass

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

from engine.trace import Phase, Trace
from gui.export.gif import DEFAULT_FPS, plan_frames

WHOLE, FORWARD, BACKWARD, CURRENT = "whole", "forward", "backward", "current"
RANGES = ((WHOLE, "Whole pass"), (FORWARD, "Forward only"), (BACKWARD, "Backward only"), (CURRENT, "Current phase"))
SCALES = (1, 2)


@dataclass
class AnimationOptions:
    range: str = WHOLE
    scale: int = 1


def step_range(trace: Trace, choice: str, applied: int | None) -> tuple[int, int] | None:
    """(start, stop) in applied steps for a choice of range; None where the trace has no
    such part (no backward pass; no current phase while editing)."""
    if choice == WHOLE:
        return 0, len(trace)
    if choice == CURRENT:
        if applied is None:
            return None
        segment = trace.segment_at(max(1, min(applied, len(trace))))
    else:
        segment = trace.segment(Phase.FORWARD if choice == FORWARD else Phase.BACKWARD)
    if segment is None:
        return None
    # Forward starts from the inputs; a later phase from where the one before it ends.
    return segment.start, segment.stop


class AnimationDialog(QDialog):
    def __init__(self, trace: Trace, applied: int | None, size_at_1: tuple[int, int], options: AnimationOptions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("animation_dialog")
        self.setWindowTitle("Export Animation")
        self.trace, self.applied, self.size_at_1 = trace, applied, size_at_1
        self.range_group = QButtonGroup(self)
        self.scale_group = QButtonGroup(self)
        ranges = QWidget()
        column = QVBoxLayout(ranges)
        column.setContentsMargins(0, 0, 0, 0)
        for ident, (key, text) in enumerate(RANGES):
            button = QRadioButton(text)
            button.setObjectName(f"range_{key}")
            self.range_group.addButton(button, ident)
            column.addWidget(button)
            if step_range(trace, key, applied) is None:
                button.setEnabled(False)
                why = "Play or step the animation first" if key == CURRENT else "This graph has no such pass"
                button.setToolTip(why)
        scales = QWidget()
        row = QHBoxLayout(scales)
        row.setContentsMargins(0, 0, 0, 0)
        for scale in SCALES:
            button = QRadioButton(f"{scale}×")
            self.scale_group.addButton(button, scale)
            row.addWidget(button)
        row.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("animation_summary")
        form = QFormLayout()
        form.addRow("Range:", ranges)
        form.addRow("Scale:", scales)
        form.addRow("GIF:", self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        keys = [key for key, _ in RANGES]
        chosen = options.range if step_range(trace, options.range, applied) is not None else WHOLE
        self.range_group.button(keys.index(chosen)).setChecked(True)
        self.scale_group.button(options.scale if options.scale in SCALES else 1).setChecked(True)
        self.range_group.idToggled.connect(lambda _id, _checked: self._update())
        self.scale_group.idToggled.connect(lambda _id, _checked: self._update())
        self._update()
        self.export_button.setFocus()

    def options(self) -> AnimationOptions:
        return AnimationOptions(RANGES[self.range_group.checkedId()][0], self.scale_group.checkedId())

    def _update(self) -> None:
        options = self.options()
        span = step_range(self.trace, options.range, self.applied)
        if span is None:
            return
        frames = plan_frames(self.trace, *span, DEFAULT_FPS)
        seconds = sum(frame.duration for frame in frames) / 1000
        width, height = (round(side * options.scale) for side in self.size_at_1)
        self.summary.setText(f"about {width} × {height} pixels, {len(frames)} frames, {seconds:.0f} s "
                             f"(steps {span[0] + 1} to {span[1]})")
