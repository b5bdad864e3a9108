"""The animation as an animated GIF: the same scene and presenter as the window, drawn
offscreen frame by frame, with the tokens travelling along the wires as on screen and
the step's words (the caption bar's) under every frame. Pillow writes the file; it is
imported only here, when a GIF is asked for.

A step is a few travel frames (the state before it, its tokens on the way, its caption
already showing) and one landing frame (the state after it, the step highlighted) that
stays as long as the window rests on it; each phase's last step stays longer. The
frames of one step's travel share one drawing of the scene: only the tokens move."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEasingCurve, QPoint, QRect, QRectF
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from engine.atomic import write_atomic
from engine.document import GraphDocument
from engine.trace import BackwardStep, ForwardStep, Step, TangentStep, Trace
from gui import theme
from gui.animation.controller import TRAVEL_MS, rest_ms
from gui.animation.tokens import TokenItem, tokens_for
from gui.canvas.presenter import CanvasPresenter
from gui.canvas.scene import GraphScene
from gui.export.render import caption_height, picture_bounds, presentation, render_region, step_caption
from gui.lens.notes import NoteLayer

DEFAULT_FPS = 12
MAX_SIDE = 8000
"""Pixels per side of a GIF frame; beyond this every frame costs seconds (no slide needs it)."""
START_HOLD_MS = 1500
"""The first frame (the inputs, or where the range starts) stays this long."""
PHASE_HOLD_MS = 1500
"""Added to the rest of the last step of each phase: the finished pass can be read."""
TRANSPARENT = 255
"""The palette index no colour uses: the GIF's transparent pixels."""
START_CAPTION = "input: every input has its value; forward computes each node from its inputs"


class ExportCancelled(Exception):
    """The person cancelled while frames were drawn; nothing was written."""


@dataclass(frozen=True)
class Frame:
    applied: int
    """The steps applied in the picture under the tokens."""
    caption: str
    duration: int
    """Milliseconds."""
    flying: Step | None = None
    """The step whose tokens are on their way (None: no tokens)."""
    progress: float = 0.0
    current: bool = False
    """Highlight the last applied step (a landing)."""


def plan_frames(trace: Trace, start: int, stop: int, fps: int, explain: bool = False) -> list[Frame]:
    """The frames from the state after `start` steps to the state after `stop`; with
    `explain`, each caption also names its step's pattern (Lens ▸ Explain Steps)."""
    ends = {segment.stop for segment in trace.segments}
    # A GIF counts time in hundredths of a second, and browsers slow anything under 0.02 s.
    frame_ms = max(20, 10 * round(100 / fps))
    travel = max(2, round(TRAVEL_MS * fps / 1000))
    easing = QEasingCurve(QEasingCurve.Type.InOutSine)
    opening = step_caption(trace, start, explain) if start else START_CAPTION
    frames = [Frame(start, opening, START_HOLD_MS)]
    for applied in range(start, stop):
        step = trace.steps[applied]
        caption = step_caption(trace, applied + 1, explain)
        if _carries_tokens(step):
            frames += [Frame(applied, caption, frame_ms, step, easing.valueForProgress(i / travel))
                       for i in range(1, travel)]
        hold = 10 * round(rest_ms(step) / 10) + (PHASE_HOLD_MS if applied + 1 in ends else 0)
        frames.append(Frame(applied + 1, caption, hold, current=True))
    return frames


def _carries_tokens(step: Step) -> bool:
    """What tokens_for sends along wires: an op's inputs forward, a contribution backward."""
    if isinstance(step, (ForwardStep, TangentStep)):
        return bool(step.in_edges)
    return isinstance(step, BackwardStep)


class AnimationFrames:
    """Draws planned frames of a document's animation offscreen, all the same size."""

    def __init__(self, document: GraphDocument, start: int | None = None, stop: int | None = None,
                 scale: float = 1.0, fps: int = DEFAULT_FPS, seed: str | None = None, explain: bool = False) -> None:
        self.scene = GraphScene(document)
        self.presenter = CanvasPresenter(document, self.scene)
        self.notes = NoteLayer(document, self.scene)  # the graph's notes are in every frame
        self.presenter.set_seed(seed)
        self.trace = self.presenter.trace
        self.start = 0 if start is None else start
        self.stop = len(self.trace) if stop is None else stop
        self.scale = scale
        self.frames = plan_frames(self.trace, self.start, self.stop, fps, explain)
        self.source, self.strip = self._region()

    def close(self) -> None:
        self.notes.detach()
        self.presenter.detach()
        self.scene.detach()

    def _region(self) -> tuple[QRectF, float]:
        """One region for every frame: the graph at its widest (cards grow as numbers
        arrive) and a caption strip tall enough for the longest caption."""
        bounds = QRectF()
        for applied in {self.start, self.trace.stage_steps("forward"), self.stop}:
            self.presenter.show_step(min(applied, len(self.trace)))
            self.scene.settle()
            bounds = bounds.united(picture_bounds([*self.scene.node_items.values(),
                                                   *self.scene.edge_items.values(), *self.notes.items]))
        strip = max(caption_height(caption, bounds.width()) for caption in {f.caption for f in self.frames})
        return bounds, strip

    @property
    def size(self) -> tuple[int, int]:
        return (max(1, round(self.source.width() * self.scale)),
                max(1, round((self.source.height() + self.strip) * self.scale)))

    def samples(self) -> list[QImage]:
        """The first and the last frame: between them, nearly every colour the GIF needs."""
        with presentation(self.scene):
            pictures = []
            for frame in (self.frames[0], self.frames[-1]):
                self.presenter.show_step(frame.applied, current=frame.current)
                self.scene.settle()
                pictures.append(render_region(self.scene, self.source, self.strip, self.scale, frame.caption))
        return pictures

    def images(self) -> Iterator[QImage]:
        """Each planned frame's whole picture, in order."""
        for base, patch, corner in self.pieces():
            if patch is None:
                yield base
                continue
            image = base.copy()
            painter = QPainter(image)
            painter.drawImage(corner, patch)
            painter.end()
            yield image

    def pieces(self) -> Iterator[tuple[QImage, QImage | None, QPoint]]:
        """Each planned frame as its base picture (the scene and caption, no tokens) and,
        for a frame with tokens, the patch of pixels they change and where it goes. A
        frame without tokens is its base (patch None). A base is drawn again only where
        the scene changed since the last one (the scene's own record of its updates)."""
        changed: list[QRectF] = []
        self.scene.changed.connect(changed.extend)
        try:
            with presentation(self.scene):
                shown: tuple[int, bool, str] | None = None
                picture: QImage | None = None
                base = QImage()
                tokens: list[TokenItem] = []
                for frame in self.frames:
                    if (frame.applied, frame.current, frame.caption) != shown:
                        shown = (frame.applied, frame.current, frame.caption)
                        QCoreApplication.processEvents()  # updates still pending before this frame
                        changed.clear()
                        self.presenter.show_step(frame.applied, current=frame.current)
                        self.scene.settle()
                        QCoreApplication.processEvents()  # the scene reports what changed
                        picture = render_region(self.scene, self.source, self.strip, self.scale, frame.caption,
                                                into=picture, only=list(changed) if picture is not None else None)
                        base = picture.copy()  # the next base is drawn over `picture`
                        tokens = tokens_for(self.scene, frame.flying) if frame.flying is not None else []
                    if frame.flying is None:
                        yield base, None, QPoint()
                    else:
                        yield (base, *self._token_patch(base, tokens, frame.progress))
        finally:
            self.scene.changed.disconnect(changed.extend)

    def _token_patch(self, base: QImage, tokens: list[TokenItem], progress: float) -> tuple[QImage, QPoint]:
        """The pixels under the tokens at `progress`, with the tokens painted over them
        (tokens are never put in the scene, which hides them in pictures of a stage)."""
        area = QRectF()
        for token in tokens:
            token.set_progress(progress)
            area = area.united(token.sceneBoundingRect())
        pixels = QRectF((area.left() - self.source.left()) * self.scale, (area.top() - self.source.top()) * self.scale,
                        area.width() * self.scale, area.height() * self.scale)
        corner = QPoint(math.floor(pixels.left()) - 1, math.floor(pixels.top()) - 1)
        rect = QRect(corner, QPoint(math.ceil(pixels.right()) + 1, math.ceil(pixels.bottom()) + 1))
        rect = rect.intersected(base.rect())
        patch = base.copy(rect)
        painter = QPainter(patch)
        painter.translate(-rect.left(), -rect.top())
        painter.scale(self.scale, self.scale)
        painter.translate(-self.source.left(), -self.source.top())
        option = QStyleOptionGraphicsItem()
        for token in tokens:
            painter.save()
            painter.translate(token.pos())
            token.paint(painter, option, None)
            painter.restore()
        painter.end()
        return patch, rect.topLeft()


def write_gif(path: str | Path, frames: AnimationFrames, progress: Callable[[int], bool] | None = None) -> None:
    """The frames as a looping GIF, written beside `path` and moved into place. `progress(n)`
    is told each frame drawn; returning False cancels (ExportCancelled, no file)."""
    from PIL import Image

    count = len(frames.frames)
    durations = [frame.duration for frame in frames.frames]

    def pictures() -> Iterator[Image.Image]:
        palette = _palette(frames.samples())
        base_key: int | None = None
        base_picture: Image.Image | None = None
        for n, (base, patch, corner) in enumerate(frames.pieces()):
            if progress is not None and not progress(n):
                raise ExportCancelled
            if base.cacheKey() != base_key:  # a new base: quantise it whole, once
                base_key = base.cacheKey()
                base_picture = _pillow(base).quantize(palette=palette, dither=Image.Dither.NONE)
            assert base_picture is not None
            if patch is None:
                yield base_picture
                continue
            # Only the tokens' patch is quantised; the rest of the frame is the base's.
            picture = base_picture.copy()
            picture.paste(_pillow(patch).quantize(palette=palette, dither=Image.Dither.NONE), (corner.x(), corner.y()))
            yield picture
        if progress is not None and not progress(count):
            raise ExportCancelled

    def write(temporary: Path) -> None:
        sequence = pictures()
        first = next(sequence)
        # optimize: what did not change since the last frame is written transparent (five times
        # smaller); naming the transparent index spares Pillow a search through every frame for one.
        first.save(temporary, format="GIF", save_all=True, append_images=sequence, duration=durations, loop=0,
                   optimize=True, transparency=TRANSPARENT)

    write_atomic(path, write)


def _palette(samples: list[QImage]):
    """One palette for every frame (quantising each frame on its own would make colours
    flicker between frames): the sample frames' colours, and each phase's colour fading
    to white as the tokens' antialiased edges do."""
    from PIL import Image

    width = max(sample.width() for sample in samples)
    ramps = QImage(width, 8 * len(theme.PHASE_COLOURS), QImage.Format.Format_RGB32)
    ramps.fill(QColor("white"))
    painter = QPainter(ramps)
    for row, colour in enumerate(theme.PHASE_COLOURS.values()):
        gradient = QLinearGradient(0, 0, width, 0)
        gradient.setColorAt(0, colour)
        gradient.setColorAt(1, QColor("white"))
        painter.fillRect(QRectF(0, 8 * row, width, 8), gradient)
    painter.end()
    pictures = [_pillow(sample) for sample in [*samples, ramps]]
    sheet = Image.new("RGB", (width, sum(picture.height for picture in pictures)), "white")
    top = 0
    for picture in pictures:
        sheet.paste(picture, (0, top))
        top += picture.height
    # 255 colours: the last index stays free for "unchanged since the last frame" (TRANSPARENT).
    return sheet.quantize(TRANSPARENT, method=Image.Quantize.MEDIANCUT)


def _pillow(image: QImage):
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB",
                            rgb.bytesPerLine(), 1)
