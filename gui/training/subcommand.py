"""`main.py train GRAPH --steps N --lr LR [--optimizer sgd|momentum|adam] [-o OUT.json]`:
gradient descent on the graph's trainable inputs, headless. One JSON line per step,
`{"step": k, "loss": L}` with the loss before that step's update; then the trained
graph is written (to OUT.json, or over GRAPH). A graph that cannot train, or a loss
that becomes nan, is one line on stderr, exit status 2, and no file written.
Imports no Qt."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from gui.command_line import CommandParser, UsageError

OPTIMIZER_CHOICES = ("sgd", "momentum", "adam")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not '{text}'")
    return int(text)


def _learning_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number such as 0.01, not '{text}'") from None
    if not (math.isfinite(rate) and rate > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return rate


def _parser() -> CommandParser:
    parser = CommandParser("train", "Train the graph's trainable inputs by gradient descent.")
    parser.add_argument("graph")
    parser.add_argument("--steps", required=True, type=_positive_int)
    parser.add_argument("--lr", required=True, type=_learning_rate)
    parser.add_argument("--optimizer", default="sgd", choices=OPTIMIZER_CHOICES)
    parser.add_argument("-o", "--output", dest="out", default=None, metavar="OUT.json")
    return parser


HELP = """\
  Train the graph's parameters (input nodes with "trainable": true) by gradient
  descent on the output (summed if it is not a scalar) with sgd, momentum (0.9) or
  adam, as PyTorch's optimisers do. Prints {"step": k, "loss": L} per step, the
  loss before that step's update, then writes the trained graph to OUT.json (or
  over GRAPH without -o). Nothing is written if training fails."""


def train_main(argv: list[str]) -> int:
    from gui.command_line import answer_help

    if answer_help("train", argv, HELP):
        return 0
    try:
        args = _parser().parse_args(argv)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2

    from engine.errors import StudioError
    from engine.fileformat import read_file, spec_to_data, write_json_atomic
    from engine.report import plan_from_spec
    from engine.training.run import Trainer, trainable_ids

    name = Path(args.graph).name
    try:
        spec = read_file(args.graph)
        try:
            trainer = Trainer(plan_from_spec(spec), trainable_ids(spec.nodes), args.optimizer, args.lr)
            write = sys.stdout.write
            for step in range(1, args.steps + 1):
                write(f'{{"step": {step}, "loss": {json.dumps(trainer.step())}}}\n')
            values = trainer.parameter_values()
        except StudioError as error:
            raise StudioError(f"Cannot train {name}: {str(error).rstrip('.')}; nothing was written.") from None
        for node_id, attrs in spec.nodes:
            if node_id in values:
                attrs["value"] = values[node_id]
        out = args.out or args.graph
        try:
            write_json_atomic(out, spec_to_data(spec))
        except OSError as error:
            raise StudioError(f"Cannot write {Path(out).name}: {error.strerror or error}.") from None
    except StudioError as error:
        sys.stdout.flush()
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 0
