"""`main.py export GRAPH OUT.gif`: the animation drawn offscreen, frame by frame, with
tokens on the wires and the step's words under every frame; a cancelled or failed
export leaves no file behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageSequence
from PySide6.QtGui import QImage

from engine.examples import SEED_EXAMPLE
from engine.trace import Phase
from gui.export.gif import PHASE_HOLD_MS, START_CAPTION, AnimationFrames, ExportCancelled, write_gif
from gui.export.render import render_region
from gui.export.subcommand import export_main


@pytest.fixture
def frames(qapp, seed_document):
    made = AnimationFrames(seed_document, fps=6)
    yield made
    made.close()


def test_the_plan_plays_every_step_with_its_words_and_holds_at_each_phase_end(frames):
    trace, plan = frames.trace, frames.frames
    assert plan[0].applied == 0 and plan[0].caption == START_CAPTION
    landings = [frame for frame in plan if frame.current]
    assert [frame.applied for frame in landings] == list(range(1, len(trace) + 1))
    assert all(frame.caption.startswith(("forward ", "backward ")) for frame in plan[1:])
    forward_end = trace.stage_steps("forward")
    held = {frame.applied: frame.duration for frame in landings}
    assert held[forward_end] >= PHASE_HOLD_MS and held[len(trace)] >= PHASE_HOLD_MS
    assert held[1] < PHASE_HOLD_MS
    # Tokens fly for the steps that carry a number along a wire: the two ops forward, each wire backward.
    flights = {frame.flying for frame in plan if frame.flying is not None}
    assert len(flights) == 2 + 4
    backward = [frame for frame in plan if frame.flying is not None and frame.flying.phase is Phase.BACKWARD]
    assert backward[0].caption.startswith("backward 2/") and "∂d/∂a" in backward[0].caption
    assert 0 < backward[0].progress < backward[1].progress < 1


def test_a_range_covers_only_its_steps(qapp, seed_document):
    made = AnimationFrames(seed_document, start=5, stop=7, fps=6)
    try:
        assert made.frames[0].applied == 5 and made.frames[0].caption.startswith("forward 5/5")
        assert [frame.applied for frame in made.frames if frame.current] == [6, 7]
    finally:
        made.close()


def rgb(image: QImage) -> bytes:
    # The converted image must outlive the copy: constBits() of a temporary QImage points
    # into memory freed as soon as the temporary goes (the bytes then differ now and then).
    converted = image.convertToFormat(QImage.Format.Format_RGB32)
    return bytes(converted.constBits())


def test_frames_are_whole_drawings_with_tokens_on_the_wires(frames):
    # Each base, drawn again only where the scene changed, is what a whole drawing of the
    # same scene gives, drawn while pieces() holds the scene at that frame.
    pieces = []
    for (base, patch, corner), frame in zip(frames.pieces(), frames.frames):
        pieces.append((base.copy(), patch, corner))
        if patch is None and frame.current and frame.applied in (1, 5, 6, 10):
            whole = render_region(frames.scene, frames.source, frames.strip, frames.scale, frame.caption)
            assert rgb(base) == rgb(whole), frame
    images = list(frames.images())
    assert len(images) == len(frames.frames) and len({image.size().toTuple() for image in images}) == 1
    # A travel frame is its base with the tokens painted in their patch, and only there.
    k = next(i for i, frame in enumerate(frames.frames) if frame.flying is not None)
    base, patch, corner = pieces[k]
    assert patch is not None and patch.width() < base.width() / 2
    assert rgb(images[k]) != rgb(base)
    assert rgb(images[k].copy(corner.x(), corner.y(), patch.width(), patch.height())) == rgb(patch)


def test_the_gif_holds_every_frame_for_its_time(frames, tmp_path):
    out = tmp_path / "seed.gif"
    seen = []
    write_gif(out, frames, lambda n: seen.append(n) or True)
    assert seen == list(range(len(frames.frames) + 1))
    with Image.open(out) as gif:
        assert gif.size == frames.size and gif.info["loop"] == 0
        durations = [frame.info["duration"] for frame in ImageSequence.Iterator(gif)]
        pictures = {frame.convert("RGB").tobytes() for frame in ImageSequence.Iterator(gif)}
    # Pillow joins identical frames, adding their times: the whole takes as long as planned.
    assert sum(durations) == sum(frame.duration for frame in frames.frames)
    assert len(pictures) == len(durations) > 20
    assert list(tmp_path.iterdir()) == [out]


def test_cancelling_leaves_no_file_and_an_older_one_untouched(frames, tmp_path):
    out = tmp_path / "seed.gif"
    out.write_bytes(b"an older animation")
    with pytest.raises(ExportCancelled):
        write_gif(out, frames, lambda n: n < 5)
    assert list(tmp_path.iterdir()) == [out] and out.read_bytes() == b"an older animation"


def test_the_command_writes_a_gif_at_its_scale_and_refuses_bad_options(qapp, tmp_path, capsys):
    out = tmp_path / "half.gif"
    assert export_main([str(SEED_EXAMPLE), str(out), "--scale", "0.5", "--fps", "4"]) == 0
    with Image.open(out) as gif:
        width, height = gif.size
        assert gif.n_frames > 10
    assert 300 < width * 2 < 1000 and height < width
    for bad in (["--fps", "0"], ["--fps", "ten"], ["--torch"], ["--stage", "forward"], ["--scale", "-1"]):
        assert export_main([str(SEED_EXAMPLE), str(tmp_path / "bad.gif"), *bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
    assert export_main([str(tmp_path / "missing.json"), str(tmp_path / "bad.gif")]) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["half.gif"]
    assert Path(out).stat().st_size > 1000
