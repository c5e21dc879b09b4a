"""Small unicode charts for terminals: sparklines and bars, plain strings (no markup, no colour)."""

from __future__ import annotations

import math
from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def sparkline(values: Sequence[float], *, top: float | None = None) -> str:
    """One character per value; zero is a blank so "nothing happened" differs from "a little".

    Pass the same `top` to two series (arrivals, decisions) so their heights compare.
    """
    top = max(values, default=0) if top is None else top
    if top <= 0:
        return " " * len(values)
    return "".join(
        " " if v <= 0 else BARS[min(len(BARS), math.ceil(v / top * len(BARS))) - 1] for v in values
    )


def bar(value: float, top: float, width: int = 20) -> str:
    """A horizontal bar `width` cells long at `top`, drawn to an eighth of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(min(value, top) / top * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")
