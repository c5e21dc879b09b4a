"""Durations for people, one format everywhere (header gauge, roster, countdowns, reports)."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """A compact span: `42s`, `4m12s`, `3h05m`, `2d04h` (negative spans show as `0s`)."""
    s = int(max(0.0, seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"
