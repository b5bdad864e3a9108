"""Python names for a graph's nodes in generated code: the file's own names where
they are identifiers, made safe where they are not (`x 1` → `x_1`, `2a` → `n_2a`,
`lambda` → `lambda_`), never two alike, never one the script itself uses."""

from __future__ import annotations

import keyword
import re
import unicodedata

_NOT_IDENTIFIER = re.compile(r"\W+")
_RUNS_OF_UNDERSCORES = re.compile(r"__+")

SCRIPT_NAMES = frozenset({
    "np", "numpy", "json", "math", "sys", "torch", "unbroadcast", "plain", "keep_grad", "agree",
    "differences", "ours", "theirs", "report", "main", "print", "len", "list", "float", "range", "zip",
    "isinstance", "None", "True", "False", "self", "grad", "value", "node", "key",
})
"""Names every generated script may use for itself."""


def identifier(name: str) -> str:
    """`name` as a Python identifier, as close to it as may be (Python reads identifiers in
    NFKC form, so the name is normalised first: what is written is what Python sees)."""
    text = unicodedata.normalize("NFKC", name)
    text = _NOT_IDENTIFIER.sub("_", text)
    text = _RUNS_OF_UNDERSCORES.sub("_", text).strip("_") or "node"
    if not text.isidentifier():  # it starts with a digit
        text = f"n_{text}"
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        text += "_"
    return text


class Namer:
    """Hands out names, each once: a node's name reserves its derived names too
    (`d_grad`, `d_op`), so no later name can shadow them."""

    def __init__(self, reserved: frozenset[str] | set[str] = SCRIPT_NAMES) -> None:
        self.used: set[str] = set(reserved)

    def reserve(self, *names: str) -> None:
        self.used.update(names)

    def node(self, name: str, suffixes: tuple[str, ...] = ("_grad", "_op")) -> str:
        """A free base name for a node, free with each of `suffixes` after it too."""
        base = identifier(name)
        candidate, number = base, 1
        while any(candidate + suffix in self.used for suffix in ("", *suffixes)):
            number += 1
            candidate = f"{base}_{number}"
        self.used.update(candidate + suffix for suffix in ("", *suffixes))
        return candidate

    def temporary(self, name: str) -> str:
        """A free name for an intermediate (`a_from_d`)."""
        return self.node(name, suffixes=())
