"""What the headless sub-commands share: one style for argument errors. Every
command reports a bad argument as one line on stderr, `PROG COMMAND: problem
(usage: ...)`, and exits with status 2. Imports nothing heavy (no Qt, no numpy)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

COMMANDS = ("eval", "export", "build", "train")
USAGES = {
    "eval": "eval GRAPH.json [--tangent NODE] [--check]",
    "train": "train GRAPH.json --steps N --lr LR [--optimizer sgd|momentum|adam] [-o OUT.json]",
    "export": "export GRAPH.json OUT.png|OUT.svg [--stage input|forward|backward|tangent|STEP] [--seed NODE] "
              "[--scale S] [--explain] | OUT.py [--torch] | OUT.gif [--scale S] [--fps N] | OUT.txt",
    "build": "build (FILE | - | -e TEXT) [-o OUT.json]",
}


class UsageError(Exception):
    """A command line that cannot run: the one line to print."""


def program_name() -> str:
    """`main.py` when run as a script, the installed command's name otherwise."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name in ("main.py", "backprop-studio") else "backprop-studio"


def usage(command: str) -> str:
    return f"{program_name()} {USAGES[command]}"


def answer_help(command: str, argv: list[str], text: str) -> bool:
    """`COMMAND -h` or `--help` anywhere: print the command's usage and `text`, and say so."""
    if not any(arg in ("-h", "--help") for arg in argv):
        return False
    print(f"usage: {usage(command)}\n{text}")
    return True


class CommandParser(argparse.ArgumentParser):
    """argparse, but an error is a UsageError holding one line instead of usage text and exit."""

    def __init__(self, command: str, description: str) -> None:
        super().__init__(prog=f"{program_name()} {command}", description=description, add_help=False)
        self.command = command

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (usage: {usage(self.command)})")

    def refuse(self, message: str) -> NoReturn:
        """An argument argparse accepted but this command cannot use."""
        self.error(message)


QT_OPTIONS_WITH_VALUE = frozenset({
    "-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-display", "-geometry", "-qwindowgeometry",
    "-title", "-qwindowtitle", "-icon", "-qwindowicon", "-style", "-stylesheet", "-session", "-name",
})
"""Qt's own command-line options that take the next word as their value."""


def file_arguments(argv: list[str]) -> list[str]:
    """The words of the editor's command line that are not Qt's options or their values."""
    words, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = f"-{arg.lstrip('-')}" in QT_OPTIONS_WITH_VALUE
        else:
            words.append(arg)
    return words


def first_word_problem(argv: list[str]) -> str | None:
    """Why the editor cannot start with these arguments: the first word is neither a
    command nor a file. Checked before Qt starts, which aborts without a display."""
    words = file_arguments(argv)
    if not words or words[0] in COMMANDS:
        return None
    word = words[0]
    path = Path(word)
    if path.is_file():
        return None
    if path.is_dir():
        return f"{program_name()}: '{word}' is a folder, not a graph file or a command ({', '.join(COMMANDS)})"
    return f"{program_name()}: '{word}' is neither a command ({', '.join(COMMANDS)}) nor a file"
