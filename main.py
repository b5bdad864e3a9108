"""Backprop Studio: the editor by default, headless `eval` and `export` for scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys

USAGE = """\
backprop-studio [GRAPH.json]                  open the editor
backprop-studio eval GRAPH.json               print values and gradients as JSON
backprop-studio export GRAPH.json OUT.png|OUT.svg [--stage input|forward|backward|STEP] [--scale S]"""


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run_eval(argv: list[str]) -> int:
    from engine.errors import StudioError
    from engine.report import eval_report

    parser = argparse.ArgumentParser(prog="backprop-studio eval", description="Print values and gradients as JSON.")
    parser.add_argument("graph")
    args = parser.parse_args(argv)
    try:
        report = eval_report(args.graph)
    except StudioError as error:
        return _fail(str(error))
    try:
        sys.stdout.write(json.dumps(report))
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def run_export(argv: list[str]) -> int:
    from gui.export_command import export_main

    return export_main(argv)


def run_gui(argv: list[str]) -> int:
    from gui.app import run_app

    return run_app(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv and argv[0] == "eval":
        return run_eval(argv[1:])
    if argv and argv[0] == "export":
        return run_export(argv[1:])
    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
