"""Decode a graph file's JSON, refusing what is not a JSON number.

Python's json reader accepts `NaN`, `Infinity` and `-Infinity`, which JSON does
not have, and it raises a bare ValueError (Python's limit on converting long
digit strings) on an integer of thousands of digits. Both become one sentence
that names the place, e.g. `node 'a' has NaN in its value`.

The normal path costs nothing extra: the reader calls `parse_constant` only for
those three words. Only when one is met, or an integer is too long, is the text
decoded a second time with markers in their place, to find where they are.
Exception: the `result` of a node or edge (what "export with results" writes,
nan included, and what a loader ignores) may hold them.
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import FileFormatError

_ITEMS = {"nodes": "node", "edges": "edge", "links": "edge"}
_NODE_PLACES = {"value": "its value", "x": "its position x", "y": "its position y"}


class _Refused(Exception):
    """Raised from inside the JSON reader on the first constant it meets."""


class _Marker:
    """Stands in the decoded data for a constant or an over-long integer."""

    def __init__(self, description: str, reason: str) -> None:
        self.description = description
        self.reason = reason


def _refuse_constant(token: str) -> Any:
    raise _Refused(token)


def _mark_constant(token: str) -> _Marker:
    return _Marker(token, f"and {token} is not a JSON number")


def _mark_long_int(text: str) -> int | _Marker:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        digits = len(text.lstrip("-"))
        return _Marker(f"a {digits:,}-digit number", "which is not a finite number")


def loads(text: str | bytes) -> Any:
    """json.loads, except that NaN, ±Infinity and integers of thousands of digits
    raise FileFormatError naming the place (outside a node's or edge's `result`).

    Raises json.JSONDecodeError, UnicodeDecodeError and RecursionError as json.loads does.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _Refused:
        pass
    except ValueError as error:
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)) or "integer string" not in str(error):
            raise
    data = json.loads(text, parse_constant=_mark_constant, parse_int=_mark_long_int)
    for path, marker in _markers(data):
        if not _in_result(path):
            raise FileFormatError(_sentence(data, path, marker))
    return data


def _markers(data: Any) -> list[tuple[list[Any], _Marker]]:
    """Every marker in the data with its path of keys and indices, in document order."""
    found: list[tuple[list[Any], _Marker]] = []
    pending: list[tuple[Any, list[Any]]] = [(data, [])]
    while pending:  # no recursion: files nest deeply
        item, path = pending.pop()
        if isinstance(item, _Marker):
            found.append((path, item))
        elif isinstance(item, dict):
            pending.extend((value, [*path, key]) for key, value in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend((value, [*path, i]) for i, value in reversed(list(enumerate(item))))
    return found


def _in_result(path: list[Any]) -> bool:
    return len(path) > 2 and path[0] in _ITEMS and isinstance(path[1], int) and path[2] == "result"


def _owner(data: Any, path: list[Any]) -> tuple[str, list[Any]]:
    """Who holds the place (`node 'a'`, `edge a → m`, ...) and the keys left below it."""
    if len(path) >= 2 and path[0] in _ITEMS and isinstance(path[1], int):
        kind = _ITEMS[path[0]]
        item = data[path[0]][path[1]]
        if isinstance(item, dict):
            if kind == "node" and isinstance(item.get("id"), (str, int)):
                return f"node '{item['id']}'", path[2:]
            source, target = item.get("source"), item.get("target")
            if kind == "edge" and isinstance(source, (str, int)) and isinstance(target, (str, int)):
                return f"edge {source} → {target}", path[2:]
        return f"{kind} {path[1] + 1}", path[2:]
    if len(path) >= 2 and path[0] == "graph":
        return "its \"graph\" entry", path[1:]
    return "it", path


def _sentence(data: Any, path: list[Any], marker: _Marker) -> str:
    owner, below = _owner(data, path)
    if not below:
        return f"{owner} is {marker.description}, {marker.reason}"
    key = below[0]
    if owner.startswith("node ") and key in _NODE_PLACES:
        place = _NODE_PLACES[key]
    else:
        place = json.dumps(key) if isinstance(key, str) else f"item {key + 1}"
    return f"{owner} has {marker.description} in {place}, {marker.reason}"
