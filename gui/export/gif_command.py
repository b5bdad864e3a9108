"""`main.py export GRAPH OUT.gif [--scale S] [--fps N]`: the whole animation, input →
forward → backward, as a looping GIF (gui.export.gif). A problem is one line on stderr,
exit status 2, and no file written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gui.command_line import CommandParser, UsageError

MAX_FPS = 50


def _fps(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_FPS}, not '{text}'")
    return int(text)


def gif_main(argv: list[str]) -> int:
    from gui.export.subcommand import _scale

    parser = CommandParser("export", "Write the whole animation as a GIF.")
    parser.add_argument("graph")
    parser.add_argument("out")
    parser.add_argument("--scale", default=1.0, type=_scale)
    parser.add_argument("--fps", default=None, type=_fps)
    try:
        args = parser.parse_args(argv)
        _write(args.graph, Path(args.out), args.scale, args.fps)
    except UsageError as error:
        print(str(error).splitlines()[0], file=sys.stderr)
        return 2
    return 0


def _write(graph: str, out: Path, scale: float, fps: int | None) -> None:
    if not out.parent.is_dir():
        raise UsageError(f"{out}: the folder {out.parent} does not exist")
    from engine.document import GraphDocument
    from engine.errors import StudioError
    from engine.fileformat import read_file

    try:
        document = GraphDocument.from_spec(read_file(graph))
    except StudioError as error:
        raise UsageError(str(error)) from None
    evaluation = document.evaluation()
    if not evaluation.ok:
        raise UsageError(f"{graph}: cannot compute the output: {evaluation.output_problem}")

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([sys.argv[0]])  # alive until the file is written
    from gui.export.gif import DEFAULT_FPS, MAX_SIDE, AnimationFrames, write_gif

    frames = AnimationFrames(document, scale=scale, fps=fps or DEFAULT_FPS)
    try:
        width, height = frames.size
        if max(width, height) > MAX_SIDE:
            raise UsageError(f"the animation would be {width}×{height} pixels; use a smaller --scale")
        try:
            write_gif(out, frames)
        except OSError as error:
            raise UsageError(f"{out}: cannot write the animation: {error.strerror or error}") from None
    finally:
        frames.close()
