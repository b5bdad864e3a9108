"""`main.py export GRAPH OUT.png|OUT.svg [--stage input|forward|backward|tangent|N] [--seed NODE] [--scale S]`:
a picture of one stage of the animation, drawn offscreen by the same scene and
presenter as the window (no window is made). Any problem is one line on stderr,
exit status 2, and no file written."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from engine.trace import INPUT_STAGE, Phase
from gui.command_line import CommandParser, UsageError, answer_help, program_name, usage

STAGES = (INPUT_STAGE, *Phase)
"""The named stages: before any step, and the end of each phase (`forward`, `backward`,
and `tangent`, forward mode's pass, which is drawn from the tangent trace of `--seed`)."""
MAX_SIDE = 20000
"""Pixels per side of a PNG; beyond this Qt cannot paint it (and no slide needs it)."""


class ExportError(Exception):
    """A problem to report in one line."""


def _scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number such as 2, not '{text}'") from None
    if not math.isfinite(scale) or not 0 < scale <= 16:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 16, not {text}")
    return scale


def _stage(text: str) -> str:
    if text in STAGES or text.isdigit():
        return text
    raise argparse.ArgumentTypeError(f"must be input, forward, backward, tangent or a step number, not '{text}'")


def _parser() -> CommandParser:
    parser = CommandParser("export", "Write a picture of one stage of the animation.")
    parser.add_argument("graph")
    parser.add_argument("out")
    parser.add_argument("--stage", default="backward", type=_stage)
    parser.add_argument("--seed", default=None, metavar="NODE")
    parser.add_argument("--scale", default=None, type=_scale)
    parser.add_argument("--explain", action="store_true")
    return parser


def _stage_steps(stage: str, trace) -> int:
    """How many trace steps a stage applies; a number must lie within the trace."""
    if stage in STAGES:
        return trace.stage_steps(stage)
    steps = int(stage)
    if not 0 <= steps <= len(trace):
        raise UsageError(f"{program_name()} export: argument --stage: {steps} is outside this graph's trace, "
                         f"which has steps 0 to {len(trace)} (usage: {usage('export')})")
    return steps


HELP = """\
  --stage input      the graph with its input values only
  --stage forward    every value
  --stage backward   every value and gradient (the default)
  --stage tangent    forward mode: every value and its tangent, seeded at --seed NODE
  --stage STEP       the state after that many steps of the trace, that step highlighted
                     (of the tangent trace when --seed is given)
  --seed NODE        the input node forward mode seeds (tangent 1); needed by --stage tangent
  --scale S          pixels per canvas unit, more than 0 and at most 16 (PNG only; default 1)
  --explain          with --stage STEP: the caption also names the step's pattern
                     (add distributes, mul swaps, max routes, fan-out sums, ...)
export GRAPH.json OUT.py [--torch]
                     a standalone numpy script: forward, backward, the JSON eval prints;
                     --torch: a PyTorch script that checks our numbers (exit 1 if they differ)
export GRAPH.json OUT.gif [--scale S] [--fps N]
                     the whole animation, input, forward, backward, as an animated GIF
                     (--scale as for PNG, default 1; --fps frames a second, default 12)"""


def export_main(argv: list[str]) -> int:
    from gui.export.formats import export_by_suffix

    status = export_by_suffix(argv)  # OUT.py (a script) or OUT.gif (the animation)
    if status is not None:
        return status
    if answer_help("export", argv, HELP):
        return 0
    try:
        _export(argv)
    except (ExportError, UsageError) as error:
        print(str(error).splitlines()[0], file=sys.stderr)
        return 2
    return 0


def _export(argv: list[str]) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.suffix.lower() == ".txt":  # the graph as text: gui/expression/subcommand.py
        from gui.expression.subcommand import export_text
        return export_text(args, parser)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ExportError(f"{out.name}: pictures are .png or .svg")
    if args.scale is not None and out.suffix.lower() == ".svg":
        # An SVG is a drawing, not pixels: a scale would be silently ignored.
        parser.refuse("argument --scale: only a PNG has pixels to scale; an SVG drawing scales itself")
    if not out.parent.is_dir():
        raise ExportError(f"{out}: the folder {out.parent} does not exist")
    scale = 1.0 if args.scale is None else args.scale
    if args.stage == Phase.TANGENT and args.seed is None:
        parser.refuse("argument --stage: tangent needs --seed NODE, the input node to seed the tangents at")
    if args.seed is not None and args.stage in STAGES and args.stage != Phase.TANGENT:
        parser.refuse(f"argument --seed: only --stage tangent or a step number has a seed, not --stage {args.stage}")

    from engine.document import GraphDocument
    from engine.errors import StudioError
    from engine.fileformat import read_file

    try:
        document = GraphDocument.from_spec(read_file(args.graph))
    except StudioError as error:
        raise ExportError(str(error)) from None
    evaluation = document.evaluation()
    if not evaluation.ok:
        raise ExportError(f"{args.graph}: cannot compute the output: {evaluation.output_problem}")
    trace = evaluation.trace
    if args.seed is not None:
        from engine.tangent import TangentSeedError
        from engine.trace import build_tangent_trace

        try:
            trace = build_tangent_trace(evaluation, args.seed)
        except TangentSeedError as error:
            parser.refuse(f"argument --seed: {error}")
    steps = _stage_steps(args.stage, trace)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([sys.argv[0]])  # alive until the picture is written
    # The canvas modules make fonts when imported, which needs the application first.
    from gui.canvas.presenter import CanvasPresenter
    from gui.canvas.scene import GraphScene
    from gui.export.render import picture_bounds, step_caption, write_picture
    from gui.lens.notes import NoteLayer

    scene = GraphScene(document)
    presenter = CanvasPresenter(document, scene)
    _notes = NoteLayer(document, scene)  # the file's notes, drawn beside the graph
    try:
        presenter.set_seed(args.seed)
        # A named stage is a clean picture for slides; a step number shows that step as current.
        presenter.show_step(steps, current=args.stage not in STAGES)
        if out.suffix.lower() == ".png":
            bounds = picture_bounds([*scene.node_items.values(), *scene.edge_items.values()])
            width, height = round(bounds.width() * scale), round(bounds.height() * scale)
            if max(width, height) > MAX_SIDE:
                raise ExportError(f"the picture would be {width}×{height} pixels; use a smaller --scale")
        try:
            # A step number is a moment of the animation: its words go under the picture,
            # as the caption bar shows them under the canvas.
            caption = "" if args.stage in STAGES else step_caption(trace, steps, args.explain)
            write_picture(scene, out, scale=scale, caption=caption)
        except OSError as error:
            raise ExportError(f"{out}: cannot write the picture: {error.strerror or error}") from None
    finally:
        presenter.detach()
        scene.detach()
