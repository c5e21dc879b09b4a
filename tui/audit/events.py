"""Audit records read back as the three events the governance metrics are made of.

The gate writes them (tui/gate/service.py): `submission` (the verdict: `pending` = held, `allowed`,
`denied`), `decision` (one approver's verdict, with `time_on_action_s` since they first opened it) and
`resolution` (a held action's end: `approved`, `rejected`, `expired`, `cancelled`, with `waited_s`).
Every other kind (autonomy, breaker, incident, policy_reload, approvers, ssh_login, ...) is kept in the
log and ignored here. Parsing is lenient: a record missing a field is skipped, never a crash, because a
report must still come out of a log written by an older or newer gate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.store.base import AuditRow, Store


@dataclass(frozen=True, slots=True)
class Submission:
    at: float
    action: str
    agent: str
    verdict: str
    level: str
    kind: str = ""
    summary: str = ""
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    at: float
    action: str
    by: str
    verdict: str
    level: str
    time_on_action_s: float | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    at: float
    action: str
    status: str
    level: str
    waited_s: float


@dataclass(slots=True)
class Events:
    submissions: list[Submission] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    records: int = 0
    """Every record read, of any kind."""

    def add(self, kind: str, at: float, data: dict[str, Any]) -> None:
        self.records += 1
        try:
            if kind == "submission":
                self.submissions.append(_submission(at, data))
            elif kind == "decision":
                self.decisions.append(_decision(at, data))
            elif kind == "resolution":
                self.resolutions.append(_resolution(at, data))
        except (KeyError, TypeError, ValueError):
            pass  # a record this version cannot read: counted, not measured


def read(store: Store, *, since: float | None = None, until: float | None = None) -> Events:
    events = Events()
    for row in rows(store, since=since, until=until):
        data = loads(row.data)
        if data is not None:
            events.add(row.kind, float(row.at), data)
    return events


def rows(
    store: Store, *, since: float | None = None, until: float | None = None, page: int = 5000
) -> Iterator[AuditRow]:
    """Every record in the window, in seq order, a page at a time."""
    after = 0
    while batch := store.audit_rows(after=after, since=since, until=until, limit=page):
        yield from batch
        after = batch[-1].seq


def loads(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _submission(at: float, data: dict[str, Any]) -> Submission:
    rules = data.get("rules") or ()
    return Submission(
        at=at,
        action=str(data["action"]),
        agent=str(data["agent"]),
        verdict=str(data["verdict"]),
        level=str(data.get("level", "")),
        kind=str(data.get("kind", "")),
        summary=str(data.get("summary", "")),
        rules=_unique(str(rule) for rule in rules),
    )


def _decision(at: float, data: dict[str, Any]) -> Decision:
    seconds = data.get("time_on_action_s")
    return Decision(
        at=at,
        action=str(data["action"]),
        by=str(data["by"]),
        verdict=str(data["verdict"]),
        level=str(data.get("level", "")),
        time_on_action_s=None if seconds is None else float(seconds),
    )


def _resolution(at: float, data: dict[str, Any]) -> Resolution:
    return Resolution(
        at=at,
        action=str(data["action"]),
        status=str(data["status"]),
        level=str(data.get("level", "")),
        waited_s=float(data["waited_s"]),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Each rule once per action, in order: a rule matching twice in one command fired once."""
    return tuple(dict.fromkeys(items))
