"""Argument checks shared by every builder and block.

Each check raises ``ValueError`` whose message states the rule and ends with
``Received: <name>=<value>`` (the keras.applications convention), whatever the type of the
bad value: a string where a number belongs, ``None``, a bool where an integer belongs.
Builders run all their checks before they create a layer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

__all__ = [
    "check_bool",
    "check_choice",
    "check_depth",
    "check_int",
    "check_number",
    "check_rate",
    "fail",
    "is_int",
    "is_number",
]


def fail(rule: str, name: str, value) -> None:
    """Raise ``ValueError("<rule> Received: <name>=<value!r>")``."""
    raise ValueError(f"{rule} Received: {name}={value!r}")


def is_int(value) -> bool:
    """A true integer: ``int`` or a NumPy integer, never a ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value) -> bool:
    """A finite real number (int or float, NumPy scalars included), never a ``bool``."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def check_choice(name: str, value, choices: Iterable, rule: str | None = None) -> None:
    """``value`` must be one of ``choices`` (compared with ``==``; ``True`` is not ``1``)."""
    choices = tuple(choices)
    if not any(_same(value, choice) for choice in choices):
        fail(rule or f"`{name}` must be one of {', '.join(map(repr, choices))}.", name, value)


def _same(value, choice) -> bool:
    """Equal and of the same kind: ``True`` is not the choice ``1``, ``18.0`` not ``18``."""
    if isinstance(value, bool) or isinstance(choice, bool) or choice is None:
        return value is choice
    if isinstance(choice, str):
        return isinstance(value, str) and value == choice
    if is_int(choice):
        return is_int(value) and value == choice
    if isinstance(choice, float):
        return is_number(value) and value == choice
    try:
        return bool(value == choice)
    except Exception:  # noqa: BLE001 - e.g. an array compared element-wise
        return False


def check_activation(name: str, value) -> None:
    """None, a callable, or the name of a Keras activation."""
    if value is None or callable(value):
        return
    if isinstance(value, str):
        import keras

        try:
            keras.activations.get(value)
            return
        except (ValueError, TypeError):
            pass
    fail(f"`{name}` must be None, the name of a Keras activation or a callable.", name, value)


def check_bool(name: str, value) -> None:
    if not isinstance(value, bool):
        fail(f"`{name}` must be True or False.", name, value)


def check_int(name: str, value, minimum: int = 1, rule: str | None = None) -> None:
    """``value`` must be an integer ``>= minimum``."""
    if not is_int(value) or value < minimum:
        fail(rule or f"`{name}` must be an integer >= {minimum}.", name, value)


def check_number(name: str, value, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False,
                 rule: str | None = None) -> None:
    """``value`` must be a real number in the interval given by ``low`` and ``high``."""
    ok = is_number(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        if rule is None:
            left = "(-inf" if low is None else f"{'(' if low_open else '['}{low:g}"
            right = "inf)" if high is None else f"{high:g}{')' if high_open else ']'}"
            rule = f"`{name}` must be a number in {left}, {right}."
        fail(rule, name, value)


def check_rate(name: str, value) -> None:
    """A dropout (or drop-path) rate: a number in [0, 1)."""
    check_number(name, value, 0.0, 1.0, high_open=True,
                 rule=f"`{name}` must be a rate in [0, 1).")


def check_depth(family: str, depth, rule: str, valid) -> None:
    """Raise "<family> depth must be <rule>. Received: depth=<depth>".

    ``valid`` is a bool or a function of the (integer) depth, called only once ``depth`` is
    known to be an integer.
    """
    ok = is_int(depth) and (valid(depth) if callable(valid) else bool(valid))
    if not ok:
        fail(f"{family} depth must be {rule}.", "depth", depth)
