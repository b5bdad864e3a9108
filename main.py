"""Backprop Studio: the editor by default, headless `eval` and `export` for scripts."""

from __future__ import annotations

import os
import sys

USAGE = """\
usage: {prog} [GRAPH.json]
       {prog} eval GRAPH.json [--tangent NODE] [--check]
       {prog} export GRAPH.json OUT.png|OUT.svg [--stage input|forward|backward|tangent|STEP] [--seed NODE] [--scale S]
                 [--explain]
       {prog} export GRAPH.json OUT.py [--torch]
       {prog} export GRAPH.json OUT.gif [--scale S] [--fps N]
       {prog} export GRAPH.json OUT.txt
       {prog} build (FILE | - | -e TEXT) [-o OUT.json]
       {prog} train GRAPH.json --steps N --lr LR [--optimizer sgd|momentum|adam] [-o OUT.json]

With no command, open the editor on GRAPH.json (or on the example d = a*(b+c)).
eval prints every value and gradient as JSON; export draws one stage of the
animation as a picture, the graph as a Python script or as text, or the whole
animation as a GIF, without opening a window; build makes a graph file from text;
train runs gradient descent on the trainable inputs. `{prog} COMMAND --help` says more."""


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run_eval(argv: list[str]) -> int:
    from gui.command_line import CommandParser, UsageError, answer_help

    if answer_help("eval", argv, "  Print every value and gradient as JSON; with --tangent NODE, also every\n"
                   "  node's tangent (forward mode seeded at the input node NODE); with --check, each\n"
                   "  input's gradient against central finite differences (\"numeric_grad\", \"check\")."):
        return 0
    parser = CommandParser("eval", "Print values and gradients as JSON.")
    parser.add_argument("graph")
    parser.add_argument("--tangent", metavar="NODE")
    parser.add_argument("--check", action="store_true")
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        return _fail(str(error))

    from engine.errors import StudioError
    from engine.report import collector_paused, evaluate_file, report_pieces

    with collector_paused(frozen_after=True):  # the process ends next
        try:
            evaluation = evaluate_file(args.graph)
        except StudioError as error:
            return _fail(str(error))
        tangents = None
        if args.tangent is not None:
            from engine.tangent import TangentSeedError, tangent_pass

            try:
                tangents = tangent_pass(evaluation, args.tangent).tangents
            except TangentSeedError as error:
                try:
                    parser.refuse(f"--tangent: {error}")
                except UsageError as usage_error:
                    return _fail(str(usage_error))
        try:
            if args.check:
                from engine.lens.gradcheck import check_gradients, report_with_check

                sys.stdout.write(report_with_check(evaluation, check_gradients(evaluation), tangents))
            for piece in () if args.check else report_pieces(evaluation, tangents=tangents):
                sys.stdout.write(piece)
            sys.stdout.write("\n")
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): not an error; keep Python quiet at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def run_export(argv: list[str]) -> int:
    from gui.export.subcommand import export_main

    return export_main(argv)


def run_train(argv: list[str]) -> int:
    from gui.training.subcommand import train_main

    return train_main(argv)


def run_gui(argv: list[str]) -> int:
    from gui.app import run_app

    return run_app(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from gui.command_line import first_word_problem, program_name

    if argv and argv[0] in ("-h", "--help"):
        try:
            print(USAGE.format(prog=program_name()), flush=True)
        except BrokenPipeError:  # `--help | head`: the reader had enough; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if argv and argv[0] == "eval":
        return run_eval(argv[1:])
    if argv and argv[0] == "export":
        return run_export(argv[1:])
    if argv and argv[0] == "build":
        from gui.expression.subcommand import build_main

        return build_main(argv[1:])
    if argv and argv[0] == "train":
        return run_train(argv[1:])
    # Before Qt starts: without a display Qt aborts the process, so a mistyped
    # command would never get to say what was wrong.
    problem = first_word_problem(argv)
    if problem:
        return _fail(problem)
    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
