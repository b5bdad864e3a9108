"""Python names for the labels people give nodes (`x*x` → `x_x`), shared by the writer,
which must write every node's name as the parser will read it, and the builder, which
finds a document's node by the name the writer gave it."""

from __future__ import annotations

import keyword
import re
import unicodedata


def safe_name(label: str) -> str:
    """A Python name for a label: NFKC (as Python reads names), every run of characters
    a name cannot hold made one `_`, a keyword or a leading digit guarded."""
    text = unicodedata.normalize("NFKC", label)
    if text.isidentifier() and not keyword.iskeyword(text):
        return text
    name = "".join(ch if ("_" + ch).isidentifier() else "_" for ch in text)
    name = re.sub(r"_+", "_", name).strip("_") or "v"
    if not name.isidentifier():  # a leading digit
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) else name
