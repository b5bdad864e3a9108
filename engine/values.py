"""Values are numpy float64 scalars or arrays; this module converts and shows them."""

from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

from engine.errors import BadValue

Value = np.float64 | np.ndarray

_NUMERIC_KINDS = frozenset("iuf")


def parse_value(raw: Any) -> Value:
    """A finite number or a non-empty rectangular nested list of finite numbers, as float64.

    Raises BadValue for anything else (strings, booleans, ragged or empty lists,
    None, nan, inf and numbers too large for a float64).
    """
    if isinstance(raw, bool):
        raise BadValue("a value must be a number or a rectangular list of numbers, not true/false")
    if isinstance(raw, (int, float)):
        try:
            number = np.float64(raw)
        except OverflowError:
            raise BadValue(_TOO_LARGE) from None
        return _checked_number(number)
    if isinstance(raw, np.ndarray) and raw.dtype.kind in _NUMERIC_KINDS:
        return _checked_array(raw.astype(np.float64))
    if isinstance(raw, (list, tuple)):
        try:
            array = np.array(raw)
        except (ValueError, TypeError):
            raise BadValue("a value list must be rectangular (every row the same length)") from None
        if array.dtype.kind == "O" and all(type(x) is int or type(x) is float for x in array.flat):
            # Integers too large for int64 come back as Python objects.
            try:
                array = array.astype(np.float64)
            except OverflowError:
                raise BadValue("a value list may hold only numbers that fit in a float64") from None
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise BadValue("a value list may hold only numbers")
        # numpy reads true as 1 when numbers surround it; a list of numbers has none.
        if _holds_bool(raw):
            raise BadValue("a value list may hold only numbers, not true/false")
        return _checked_array(array.astype(np.float64))
    raise BadValue("a value must be a number or a rectangular list of numbers")


_TOO_LARGE = "a value must be a finite number, and this one does not fit in a float64"
_NON_FINITE = "a value must be a finite number, not {}"


def _spell(number: float) -> str:
    if math.isnan(number):
        return "nan"
    # 1e999 reads as inf: a float64 holds nothing beyond about 1.8e308.
    return ("inf" if number > 0 else "-inf") + " (or a number beyond ±1.8e308)"


def _checked_array(array: np.ndarray) -> Value:
    if array.size == 0:
        raise BadValue("a value list must hold at least one number")
    if array.ndim == 0:
        return _checked_number(np.float64(array))
    if not np.isfinite(array).all():
        raise BadValue("a value list may hold only finite numbers, not nan or inf")
    return array


def _checked_number(number: np.float64) -> np.float64:
    if not math.isfinite(number):
        raise BadValue(_NON_FINITE.format(_spell(number)))
    return number


def _holds_bool(raw: list[Any] | tuple[Any, ...]) -> bool:
    pending = [raw]
    while pending:
        for item in pending.pop():
            if isinstance(item, bool):
                return True
            if isinstance(item, (list, tuple)):
                pending.append(item)
    return False


def parse_value_text(text: str) -> Value:
    """What a person typed in a value editor: `2.5`, `-1e-3`, `[[1, 2], [3, 4]]`."""
    stripped = text.strip()
    if not stripped:
        raise BadValue("type a number such as 2.5, or a list such as [[1, 2], [3, 4]]")
    try:
        raw = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as error:
        if "integer string conversion" in str(error):  # thousands of digits
            raise BadValue(_TOO_LARGE) from None
        if stripped.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise BadValue(f"a value must be a finite number, not {stripped}") from None
        shown = stripped if len(stripped) <= 40 else stripped[:40] + "…"
        raise BadValue(f"'{shown}' is not a number or a list of numbers") from None
    return parse_value(raw)


def value_to_json(value: Value | None) -> Any:
    """A JSON-ready number or nested list (None stays None)."""
    if value is None:
        return None
    if type(value) is np.ndarray:
        return value.tolist()
    return float(value)


def shape_of(value: Value) -> tuple[int, ...]:
    return value.shape if isinstance(value, np.ndarray) else ()


def is_array(value: Value | None) -> bool:
    return isinstance(value, np.ndarray)


def ones_like(value: Value) -> Value:
    if isinstance(value, np.ndarray):
        return np.ones(value.shape)
    return np.float64(1.0)


def unbroadcast(grad: Value, shape: tuple[int, ...]) -> Value:
    """Sum a gradient back to the shape of the input that numpy broadcast."""
    grad_shape = grad.shape if isinstance(grad, np.ndarray) else ()
    if grad_shape == shape:
        return grad
    extra = len(grad_shape) - len(shape)
    if extra < 0:
        return np.broadcast_to(grad, shape).astype(np.float64)
    if extra > 0:
        grad = np.sum(grad, axis=tuple(range(extra)))
    kept_ones = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(grad)[i] != 1)
    if kept_ones:
        grad = np.sum(grad, axis=kept_ones, keepdims=True)
    if not shape:
        return np.float64(grad)
    return np.asarray(grad, dtype=np.float64).reshape(shape)


def format_number(number: float, digits: int = 4) -> str:
    """Short, readable: 2.2, -3.74, 0.0001235, 1.2e+07, nan, inf."""
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    text = f"{number:.{digits}g}"
    return "0" if text == "-0" else text


def format_shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape) if shape else "scalar"


def format_value(value: Value | None, digits: int = 4, preview: int = 3) -> str:
    """A one-line picture of a value: a number, or a shape and the first few entries."""
    if value is None:
        return "—"
    if not isinstance(value, np.ndarray):
        return format_number(float(value), digits)
    flat = value.ravel()
    shown = ", ".join(format_number(float(x), digits) for x in flat[:preview])
    more = ", …" if flat.size > preview else ""
    return f"[{format_shape(value.shape)}] {shown}{more}"


def format_value_full(value: Value | None, digits: int = 6) -> str:
    """Every entry, for a tooltip."""
    if value is None:
        return "—"
    if not isinstance(value, np.ndarray):
        return format_number(float(value), digits)
    body = np.array2string(value, precision=digits, separator=", ", threshold=400, max_line_width=80)
    return f"shape {format_shape(value.shape)}\n{body}"


def has_non_finite(value: Value | None) -> bool:
    if value is None:
        return False
    if isinstance(value, np.ndarray):
        return not bool(np.all(np.isfinite(value)))
    return not math.isfinite(value)
