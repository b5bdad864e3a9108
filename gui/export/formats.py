"""Which export a command line asks for, by the output's suffix: `.py` is a script
(gui.export.script_command), `.gif` the animation (gui.export.gif_command); anything
else is a picture or another format, left to the caller."""

from __future__ import annotations

from pathlib import Path

OPTIONS_WITH_VALUE = frozenset({"--stage", "--seed", "--scale", "--fps"})


def _positionals(argv: list[str]) -> list[str]:
    words, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in OPTIONS_WITH_VALUE
        else:
            words.append(word)
    return words


def export_by_suffix(argv: list[str]) -> int | None:
    """Run the export for OUT.py or OUT.gif and give its exit status; None for any other
    output (and for --help, which the caller answers)."""
    words = _positionals(argv)
    if len(words) < 2 or any(arg in ("-h", "--help") for arg in argv):
        return None
    suffix = Path(words[1]).suffix.lower()
    if suffix == ".py":
        from gui.export.script_command import script_main

        return script_main(argv)
    if suffix == ".gif":
        from gui.export.gif_command import gif_main

        return gif_main(argv)
    return None
