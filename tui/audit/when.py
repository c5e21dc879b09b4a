"""`--since 7d`, `--until 1h`, `--since 2027-01-15T08:00Z`: a time ago, or an ISO-8601 instant.

A time without a zone is UTC, like every time Interlock prints.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_AGO = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def parse_when(text: str, now: float) -> float:
    """Epoch seconds for `text`; raises ValueError with a message a person can act on."""
    ago = _AGO.fullmatch(text.strip())
    if ago:
        return now - float(ago.group(1)) * _UNITS[ago.group(2)]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"cannot read time {text!r}: use an age like 30m, 24h, 7d, 2w or an ISO-8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
