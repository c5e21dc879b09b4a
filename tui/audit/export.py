"""`audit export`: records as JSON lines or CSV, with the chain fields so a copy can be checked later.

Output is ASCII (JSON escapes everything else), so agent text cannot drive the terminal or a pipe
consumer. A record whose data is not JSON (tampered) is exported as its raw text, never dropped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from tui.audit.events import loads
from tui.model import iso
from tui.store.base import AuditRow

COLUMNS = ("seq", "at", "ts", "kind", "data", "prev", "hash", "mac", "key_id")


def as_json(row: AuditRow) -> dict[str, Any]:
    data: Any = loads(row.data)
    return {
        "seq": row.seq,
        "at": iso(row.at) if isinstance(row.at, int | float) else str(row.at),
        "ts": row.at,
        "kind": row.kind,
        "data": row.data if data is None else data,
        "prev": row.prev,
        "hash": row.hash,
        "mac": row.mac,
        "key_id": row.key_id,
    }


def write_jsonl(rows: Iterable[AuditRow], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(as_json(row), ensure_ascii=True) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[AuditRow], out: TextIO) -> int:
    """One row per record; `data` is its JSON text (always starting `{`, so no spreadsheet formula)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        record = as_json(row)
        data = record["data"]
        record["data"] = json.dumps(data, ensure_ascii=True) if isinstance(data, dict) else repr(data)
        writer.writerow([record[column] for column in COLUMNS])
        count += 1
    return count


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}
