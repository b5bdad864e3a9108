"""`main.py build (FILE | - | -e TEXT) [-o OUT.json]` and `main.py export GRAPH OUT.txt`:
text in the expression language to a graph file, and back. No Qt. Any problem is one
line on stderr, exit status 2, and no file written."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gui.command_line import CommandParser, UsageError

HELP = """\
  FILE          a text file of statements (NAME = EXPR, one per line or separated by ;)
  -             read the statements from standard input
  -e TEXT       the statements themselves, e.g. -e 'o = tanh(x1*w1 + x2*w2 + b)'
  -o OUT.json   write the graph file there (default: standard output)"""


class BuildError(Exception):
    """A problem to report in one line."""


def _parser() -> CommandParser:
    parser = CommandParser("build", "Build a graph file from statements in the expression language.")
    parser.add_argument("source", nargs="?")
    parser.add_argument("-e", dest="text", metavar="TEXT")
    parser.add_argument("-o", dest="out", metavar="OUT.json")
    return parser


def _read_source(source: str) -> str:
    if source == "-":
        try:
            return sys.stdin.read()
        except UnicodeDecodeError:
            raise BuildError("standard input: the text is not UTF-8") from None
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BuildError(f"{source}: the text is not UTF-8") from None
    except OSError as error:
        raise BuildError(f"{source}: cannot read it: {error.strerror or error}") from None


def _build(argv: list[str]) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.source is None) == (args.text is None):
        parser.refuse("give exactly one of FILE, - (standard input) or -e TEXT")
    text = args.text if args.text is not None else _read_source(args.source)
    where = "-e" if args.text is not None else ("standard input" if args.source == "-" else args.source)
    if args.out is not None and not Path(args.out).resolve().parent.is_dir():
        raise BuildError(f"{args.out}: the folder {Path(args.out).parent} does not exist")

    from engine.errors import StudioError
    from engine.expression.builder import build_document
    from engine.fileformat import write_json_atomic

    try:
        document = build_document(text)
    except StudioError as error:
        raise BuildError(f"{where}: {error}") from None
    data = document.to_data()
    if args.out is None:
        sys.stdout.write(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        return
    try:
        write_json_atomic(args.out, data)
    except OSError as error:
        raise BuildError(f"{args.out}: cannot write it: {error.strerror or error}") from None


def build_main(argv: list[str]) -> int:
    from gui.command_line import answer_help

    if answer_help("build", argv, HELP):
        return 0
    try:
        _build(argv)
    except (BuildError, UsageError) as error:
        print(str(error).splitlines()[0], file=sys.stderr)
        return 2
    return 0


def export_text(args: argparse.Namespace, parser: CommandParser) -> None:
    """`export GRAPH OUT.txt`: the graph in the expression language (what Copy as
    Expression copies). Raises ExportError or UsageError, and then writes nothing."""
    from engine.atomic import write_text_atomic
    from engine.document import GraphDocument
    from engine.errors import StudioError
    from engine.expression.writer import write_expression
    from engine.fileformat import read_file
    from gui.export.subcommand import ExportError

    for given, option in ((args.stage != "backward", "--stage"), (args.seed, "--seed"), (args.scale, "--scale")):
        if given:
            parser.refuse(f"argument {option}: only a picture has one; OUT.txt is the graph as text")
    out = Path(args.out)
    if not out.resolve().parent.is_dir():
        raise ExportError(f"{out}: the folder {out.parent} does not exist")
    try:
        text = write_expression(GraphDocument.from_spec(read_file(args.graph)))
    except StudioError as error:
        raise ExportError(str(error)) from None
    try:
        write_text_atomic(out, text)
    except OSError as error:
        raise ExportError(f"{out}: cannot write it: {error.strerror or error}") from None
