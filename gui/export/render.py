"""Pictures of the canvas for slides: the scene (not the view, which would clip)
rendered over the graph's bounds plus a margin, into a PNG at a scale or an SVG.
The same items draw the window and the picture, in presentation mode: no grid,
no selection outline, no hover."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from engine.steps import Phase
from gui import theme
from gui.canvas.scene import GraphScene
from gui.lens.notes import NoteItem

MARGIN = 32.0
CAPTION_FONT = theme.font(12)
CAPTION_PAD = 10.0
_CAPTION_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def step_caption(trace, applied: int | None, explain: bool = False) -> str:
    """The subtitle for the state after `applied` steps: `backward 5/10:   ∂o/∂… = …`
    (the step's caption, or its label); empty before the first step and while editing.
    With `explain`, a second line names the step's pattern (engine.lens.explain)."""
    if not applied:
        return ""
    step = trace.steps[applied - 1]
    caption = getattr(step, "caption", None)
    text = f"{trace.position_text(applied)}:   {caption() if callable(caption) else step.label()}"
    if explain:
        from engine.lens.explain import explain as explain_step

        words = explain_step(step)
        text += f"\n{words}" if words else ""
    return text


def caption_height(caption: str, width: float) -> float:
    """Scene units a caption strip under a picture `width` wide takes (0 without one)."""
    if not caption:
        return 0.0
    text = QFontMetricsF(CAPTION_FONT).boundingRect(QRectF(0, 0, width - 2 * CAPTION_PAD, 10_000), _CAPTION_FLAGS,
                                                    caption)
    return text.height() + 2 * CAPTION_PAD


def _paint_caption(painter: QPainter, caption: str, strip: QRectF) -> None:
    """The step's words under the picture, like the caption bar under the canvas."""
    # The caption starts with its phase (`tangent 3/9:`): the strip takes that phase's colour.
    phase = next((p for p in Phase if caption.startswith(p.value)), Phase.FORWARD)
    painter.setPen(QPen(theme.PHASE_COLOURS[phase], 1.0))
    painter.setBrush(QBrush(QColor(255, 255, 255)))
    painter.drawRoundedRect(strip.adjusted(CAPTION_PAD / 2, 0, -CAPTION_PAD / 2, -CAPTION_PAD / 2), 6, 6)
    painter.setFont(CAPTION_FONT)
    painter.drawText(strip.adjusted(CAPTION_PAD, 0, -CAPTION_PAD, -CAPTION_PAD / 2), _CAPTION_FLAGS, caption)


@contextmanager
def presentation(scene: GraphScene, selection_only: bool = False) -> Iterator[list]:
    """Hide editing decorations (and, for a selection, everything else) while drawing.
    Yields the items that are drawn."""
    scene.settle()  # a picture shows every tag in its final place, not a provisional one
    chosen = set(scene.selected_node_ids())
    selected = scene.selectedItems()
    scene.presenting = True  # first: far out, this shows the wires the overview stands in for
    hidden = []
    if selection_only:
        for node_id, item in scene.node_items.items():
            if node_id not in chosen and item.isVisible():
                hidden.append(item)
        for edge, item in scene.edge_items.items():
            if (edge[0] not in chosen or edge[1] not in chosen) and item.isVisible():
                hidden.append(item)
    for item in hidden:
        item.setVisible(False)
    scene.clearSelection()
    # Cached cards would be pasted in as bitmaps: blurry on a slide, and in an SVG
    # their text would not be text. Pictures draw every item afresh. (The wire layer,
    # which draws nothing in a picture, would otherwise fill a cache the size of the
    # whole scene on every render: most of an animation frame's time.)
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    for item in [*scene.node_items.values(), *scene.edge_items.values()]:
        item.update()
    notes = [item for item in scene.items() if isinstance(item, NoteItem)]  # text boxes beside the graph
    for note in notes:
        note.presenting = True
        if selection_only and note not in selected and note.isVisible():
            note.setVisible(False)
            hidden.append(note)
    try:
        yield [item for item in [*scene.node_items.values(), *scene.edge_items.values(), *notes]
               if item.isVisible()]
    finally:
        for note in notes:
            note.presenting = False
        for item, mode in cached:
            item.setCacheMode(mode)
        for item in hidden:
            item.setVisible(True)
        scene.presenting = False  # last: far out, hides the wires the overview stands in for
        for item in selected:
            item.setSelected(True)
        for item in [*scene.node_items.values(), *scene.edge_items.values()]:
            item.update()


def picture_bounds(items: list) -> QRectF:
    bounds = QRectF()
    for item in items:
        bounds = bounds.united(item.sceneBoundingRect())
    if bounds.isEmpty():
        bounds = QRectF(-100, -60, 200, 120)
    return bounds.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def _hint(painter: QPainter) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                           | QPainter.RenderHint.SmoothPixmapTransform)


def _paint(scene: GraphScene, painter: QPainter, source: QRectF, target: QRectF) -> None:
    _hint(painter)
    scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


def render_image(scene: GraphScene, scale: float = 1.0, transparent: bool = False,
                 selection_only: bool = False, caption: str = "") -> QImage:
    """The graph as an image, `scale` device pixels per scene unit, with `caption` (a
    step's words) in a strip under it."""
    with presentation(scene, selection_only) as items:
        source = picture_bounds(items)
        return render_region(scene, source, caption_height(caption, source.width()), scale, caption, transparent)


def render_region(scene: GraphScene, source: QRectF, strip: float, scale: float = 1.0, caption: str = "",
                  transparent: bool = False, into: QImage | None = None, only: list[QRectF] | None = None) -> QImage:
    """The scene area `source` with a caption strip `strip` units tall under it: what
    render_image draws, over a region fixed by the caller (every frame of an animation
    the same size). The caller puts the scene in `presentation` first.

    With `into`, an earlier picture of this region, and `only`, the scene rects that
    changed since (QGraphicsScene.changed), only those are drawn again, and the caption:
    the pixels come out as a whole drawing would make them, for a fraction of the time."""
    size = QSize(max(1, round(source.width() * scale)), max(1, round((source.height() + strip) * scale)))
    background = QColor(0, 0, 0, 0) if transparent else QColor("white")
    partial = into is not None and only is not None and into.size() == size
    image = into if partial else QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    if not partial:
        image.fill(background)
    painter = QPainter(image)
    _hint(painter)  # the caption is drawn alike however much of the scene is drawn again
    if partial:
        pixels = QRectF(0, 0, source.width() * scale, source.height() * scale)
        for changed in only:  # type: ignore[union-attr]
            area = changed.intersected(source)
            if area.isEmpty():
                continue
            # Whole pixels, so the part is drawn with exactly the whole picture's mapping.
            left = math.floor((area.left() - source.left()) * scale) - 1
            top = math.floor((area.top() - source.top()) * scale) - 1
            right = math.ceil((area.right() - source.left()) * scale) + 1
            bottom = math.ceil((area.bottom() - source.top()) * scale) + 1
            target = QRectF(left, top, right - left, bottom - top).intersected(pixels)
            part = QRectF(source.left() + target.left() / scale, source.top() + target.top() / scale,
                          target.width() / scale, target.height() / scale)
            painter.save()
            painter.setClipRect(target)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(target, background)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            _paint(scene, painter, part, target)
            painter.restore()
    else:
        _paint(scene, painter, source, QRectF(0, 0, source.width() * scale, source.height() * scale))
    if strip:
        painter.resetTransform()
        painter.setClipping(False)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        # From a whole row (the picture's margin): a fraction of a row would blend with the last caption's edge.
        top = math.floor((source.height() - 1) * scale)  # the box's outline reaches half a unit above
        painter.fillRect(QRectF(0, top, size.width(), size.height() - top), background)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if caption:
            painter.scale(scale, scale)
            _paint_caption(painter, caption, QRectF(0, source.height(), source.width(), strip))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def svg_bytes(scene: GraphScene, selection_only: bool = False, title: str = "Backprop Studio graph",
              caption: str = "") -> bytes:
    """The graph as SVG (text stays text, so it stays crisp on any slide)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with presentation(scene, selection_only) as items:
        source = picture_bounds(items)
        strip = caption_height(caption, source.width())
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(round(source.width()), round(source.height() + strip)))
        generator.setViewBox(QRectF(0, 0, source.width(), source.height() + strip))
        generator.setTitle(title)
        generator.setDescription("Drawn by Backprop Studio")
        painter = QPainter(generator)
        painter.fillRect(QRectF(0, 0, source.width(), source.height() + strip), QColor("white"))
        _paint(scene, painter, source, QRectF(0, 0, source.width(), source.height()))
        if strip:
            _paint_caption(painter, caption, QRectF(0, source.height(), source.width(), strip))
        painter.end()
    buffer.close()
    return bytes(data.data())


def write_picture(scene: GraphScene, path: str | Path, scale: float = 1.0, transparent: bool = False,
                  selection_only: bool = False, caption: str = "") -> None:
    """PNG or SVG by the file's extension, written beside the target then moved into place."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".svg":
        payload = svg_bytes(scene, selection_only, caption=caption)
    elif suffix == ".png":
        payload = png_bytes(render_image(scene, scale, transparent, selection_only, caption))
    else:
        raise ValueError(f"pictures are .png or .svg, not '{suffix or target.name}'")
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(payload)
    temporary.replace(target)
