"""`main.py export GRAPH OUT.py [--torch]`: the graph as a runnable script, numpy only
or a PyTorch check (engine.codegen). Needs no Qt. A problem is one line on stderr,
exit status 2, and no file written."""

from __future__ import annotations

import sys
from pathlib import Path

from gui.command_line import CommandParser, UsageError


def script_main(argv: list[str]) -> int:
    parser = CommandParser("export", "Write the graph as a runnable Python script.")
    parser.add_argument("graph")
    parser.add_argument("out")
    parser.add_argument("--torch", action="store_true")
    try:
        args = parser.parse_args(argv)
        out = Path(args.out)
        if not out.parent.is_dir():
            raise UsageError(f"{out}: the folder {out.parent} does not exist")
        text = script_text(args.graph, torch=args.torch)
        from engine.atomic import write_text_atomic

        try:
            write_text_atomic(out, text)
        except OSError as error:
            raise UsageError(f"{out}: cannot write the script: {error.strerror or error}") from None
    except UsageError as error:
        print(str(error).splitlines()[0], file=sys.stderr)
        return 2
    return 0


def script_text(graph: str, torch: bool = False) -> str:
    """The script for a graph file; UsageError (one line) when the file cannot be read,
    its output cannot be computed, or an op cannot be written as code."""
    from engine.codegen import numpy_script, torch_script
    from engine.errors import StudioError
    from engine.evaluate import evaluate_plan
    from engine.fileformat import read_file
    from engine.report import plan_from_spec

    try:
        spec = read_file(graph)
    except StudioError as error:
        raise UsageError(str(error)) from None
    evaluation = evaluate_plan(plan_from_spec(spec))
    write = torch_script if torch else numpy_script
    try:
        return write(evaluation, str(spec.graph.get("name") or ""), Path(graph).name)
    except StudioError as error:  # the output cannot be computed; an op without code
        raise UsageError(f"{graph}: {error}") from None
