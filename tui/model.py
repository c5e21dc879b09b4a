"""The records every part of Interlock shares: Action, Risk, Requirement, Decision.

Standard library only: the submit path (agent hooks, `interlock exec`) imports this on every agent tool
call. Records are plain dataclasses; `from_submission` is the one place untrusted JSON becomes an Action,
so every bad field gets a specific error there and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, cast

from tui.statuses import TERMINAL

ActionKind = Literal["shell", "file_edit", "file_write", "sql", "http", "mcp_tool", "other"]
AgentKind = Literal["claude-code", "codex", "gemini", "cursor", "exec", "sdk", "other"]
Status = Literal["pending", "approved", "rejected", "expired", "allowed", "denied", "cancelled"]
Level = Literal["low", "medium", "high", "critical"]
Verdict = Literal["allow", "hold", "deny"]
DecisionVerdict = Literal["approve", "reject"]

ACTION_KINDS: tuple[str, ...] = ("shell", "file_edit", "file_write", "sql", "http", "mcp_tool", "other")
AGENT_KINDS: tuple[str, ...] = ("claude-code", "codex", "gemini", "cursor", "exec", "sdk", "other")
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
#: The only moves a pending action can make; new actions start as pending, allowed or denied.
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"approved", "rejected", "expired", "cancelled"}),
}

#: Fields that decide what will actually execute: the content hash covers exactly these.
HASHED_FIELDS: tuple[str, ...] = ("kind", "command", "argv", "cwd", "path", "target", "diff", "payload")
#: Fields only the gate sets; a submission carrying one is refused rather than silently trusted.
GATE_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "created_at",
        "content_hash",
        "risk",
        "requirement",
        "status",
        "decisions",
        "expires_at",
        "resolved_at",
        "policy_hash",
    }
)


class InvalidAction(ValueError):
    """A submission that cannot become an Action; the message names the field and the problem."""


@dataclass(frozen=True, slots=True)
class Agent:
    """Who asked: `id` is stable per agent (autonomy and throttles key on it)."""

    id: str
    kind: str = "other"
    host: str = ""
    user: str = ""
    session: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    environment: str = ""
    resource: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """One contributing rule: why the score is what it is."""

    rule: str
    text: str
    contribution: int = 0


@dataclass(frozen=True, slots=True)
class Risk:
    """The policy's judgement of an action's blast radius.

    `environment` extends DESIGN.md's risk record: the environment the policy judged the action to reach
    (`production`, `staging`, …; `""` when none was found or no policy ran). It is what the screens show,
    because the agent's `target.environment` is only a claim: `kubectl --context prod delete …` declared
    as nothing, or as `dev`, reaches production and must look like it.
    """

    score: int = 0
    level: str = "medium"
    reasons: tuple[Reason, ...] = ()
    read_only: bool = False
    environment: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a human review must bring before a held action may go ahead."""

    approvals: int = 1
    role: str = "approver"
    reason_required: bool = False
    min_review_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    by: str
    verdict: str
    role: str = "approver"
    channel: str = "local"
    at: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing an agent wants to do, from submission to resolution."""

    id: str
    created_at: float
    agent: Agent
    kind: str
    tool: str = ""
    summary: str = ""
    command: str = ""
    argv: tuple[str, ...] = ()
    cwd: str = ""
    path: str = ""
    target: Target = field(default_factory=Target)
    diff: str = ""
    payload: Any = None
    content_hash: str = ""
    risk: Risk = field(default_factory=Risk)
    requirement: Requirement = field(default_factory=Requirement)
    status: str = "pending"
    decisions: tuple[Decision, ...] = ()
    expires_at: float | None = None
    resolved_at: float | None = None
    policy_hash: str = ""

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def environment(self) -> str:
        """Where the action reaches: the policy's judgement when it made one, else the agent's claim."""
        return self.risk.environment or self.target.environment

    @property
    def environment_label(self) -> str:
        """`environment` and, when the agent did not say so itself, where it came from:
        `production (inferred)`, `production (declared dev)`; "" when nobody knows."""
        judged, declared = self.risk.environment, self.target.environment
        if not judged or judged == declared:
            return self.environment
        return f"{judged} ({f'declared {declared}' if declared else 'inferred'})"

    def to_json(self) -> dict[str, Any]:
        """The wire and storage form: timestamps as ISO-8601 UTC strings, tuples as lists.

        Written out by hand: `dataclasses.asdict` deep-copies and was 80% of the gate's submit time.
        `payload` is shared, not copied: records are immutable by convention.
        """
        risk = self.risk
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "agent": _flat(self.agent),
            "kind": self.kind,
            "tool": self.tool,
            "summary": self.summary,
            "command": self.command,
            "argv": list(self.argv),
            "cwd": self.cwd,
            "path": self.path,
            "target": _flat(self.target),
            "diff": self.diff,
            "payload": self.payload,
            "content_hash": self.content_hash,
            "risk": {"score": risk.score, "level": risk.level, "reasons": [_flat(r) for r in risk.reasons],
                     "read_only": risk.read_only, "environment": risk.environment},
            "requirement": _flat(self.requirement),
            "status": self.status,
            "decisions": [{**_flat(d), "at": iso(d.at)} for d in self.decisions],
            "expires_at": iso(self.expires_at),
            "resolved_at": iso(self.resolved_at),
            "policy_hash": self.policy_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Action:
        """Rebuild a stored or transmitted Action (trusted input: it came from the gate)."""
        risk = data.get("risk") or {}
        return cls(
            id=data["id"],
            created_at=parse_iso(data["created_at"]) or 0.0,
            agent=Agent(**data["agent"]),
            kind=data["kind"],
            tool=data.get("tool", ""),
            summary=data.get("summary", ""),
            command=data.get("command", ""),
            argv=tuple(data.get("argv") or ()),
            cwd=data.get("cwd", ""),
            path=data.get("path", ""),
            target=Target(**(data.get("target") or {})),
            diff=data.get("diff", ""),
            payload=data.get("payload"),
            content_hash=data.get("content_hash", ""),
            risk=Risk(
                score=risk.get("score", 0),
                level=risk.get("level", "medium"),
                reasons=tuple(Reason(**r) for r in risk.get("reasons", ())),
                read_only=risk.get("read_only", False),
                environment=risk.get("environment", ""),
            ),
            requirement=Requirement(**(data.get("requirement") or {})),
            status=data.get("status", "pending"),
            decisions=tuple(
                Decision(**{**d, "at": parse_iso(d["at"]) or 0.0}) for d in data.get("decisions", ())
            ),
            expires_at=parse_iso(data.get("expires_at")),
            resolved_at=parse_iso(data.get("resolved_at")),
            policy_hash=data.get("policy_hash", ""),
        )

    def with_status(self, status: str, at: float) -> Action:
        """A copy moved to `status`; refuses moves the status machine does not allow."""
        if status not in TRANSITIONS.get(self.status, frozenset()):
            raise ValueError(f"action {self.id} cannot move from {self.status} to {status}")
        return replace(self, status=status, resolved_at=at)


def _flat(record: Agent | Target | Reason | Requirement | Decision) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


# --- submissions (untrusted) ------------------------------------------------------------------------

_STR_FIELDS = ("tool", "summary", "command", "cwd", "path", "diff")
_SUBMIT_FIELDS = frozenset({"agent", "kind", "argv", "target", "payload", *_STR_FIELDS})


def from_submission(data: object, *, now: float | None = None, ttl_s: float | None = None) -> Action:
    """Validate an agent's Action JSON and give it an id, timestamps and content hash.

    Strict on purpose: an unknown key is most often a typo (`comand`), and a gate that guessed would be
    judging something other than what will run.
    """
    if not isinstance(data, dict):
        raise InvalidAction(f"action must be a JSON object, got {_json_type(data)}")
    gate_set = sorted(GATE_FIELDS & data.keys())
    if gate_set:
        raise InvalidAction(f"field {gate_set[0]!r} is set by the gate, not the submitter")
    unknown = sorted(data.keys() - _SUBMIT_FIELDS)
    if unknown:
        raise InvalidAction(f"unknown field {unknown[0]!r}")
    kind = _require_str(data, "kind")
    if kind not in ACTION_KINDS:
        raise InvalidAction(f"field 'kind' must be one of {', '.join(ACTION_KINDS)}; got {kind!r}")
    strings: dict[str, Any] = {name: _optional_str(data, name) for name in _STR_FIELDS}
    argv = _argv(data.get("argv"))
    if kind == "shell" and not (strings["command"] or argv):
        raise InvalidAction("a shell action needs 'command' or 'argv'")
    if kind in ("sql", "http") and not strings["command"]:  # an empty one was allowed as "reads over HTTP"
        what = "the SQL" if kind == "sql" else "METHOD URL"
        raise InvalidAction(f"a {kind} action needs 'command' ({what})")
    if kind in ("file_edit", "file_write") and not strings["path"]:
        raise InvalidAction(f"a {kind} action needs 'path'")
    if not strings["command"] and argv:
        strings["command"] = shell_join(argv)
    created = round(time.time() if now is None else now, 3)  # ms: exactly what the JSON form keeps
    action = Action(
        id=new_id(created),
        created_at=created,
        agent=_agent(data.get("agent")),
        kind=kind,
        argv=argv,
        target=_target(data.get("target")),
        payload=data.get("payload"),
        expires_at=None if ttl_s is None else round(created + ttl_s, 3),
        **strings,
    )
    summary = action.summary or _summarise(action)
    return replace(action, summary=summary, content_hash=content_hash(action))


def content_hash(action: Action) -> str:
    """SHA-256 over what will execute, so an approval cannot be reused for a changed command."""
    data = action.to_json()
    material = {name: data[name] for name in HASHED_FIELDS}
    blob = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def new_id(now: float | None = None) -> str:
    """A UUIDv7 string: sorts by creation time, unique without coordination between gates."""
    ms = int((time.time() if now is None else now) * 1000)
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def shell_join(argv: tuple[str, ...] | list[str]) -> str:
    import shlex

    return shlex.join(argv)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> float | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _summarise(action: Action) -> str:
    first = (action.command or action.path or action.tool or action.kind).splitlines() or [action.kind]
    return first[0][:200]


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _require_str(data: dict[str, Any], name: str, where: str = "") -> str:
    if name not in data:
        raise InvalidAction(f"missing field {where + name!r}")
    value = _optional_str(data, name, where)
    if not value:
        raise InvalidAction(f"field {where + name!r} must not be empty")
    return value


def _optional_str(data: dict[str, Any], name: str, where: str = "") -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidAction(f"field {where + name!r} must be a string, got {_json_type(value)}")
    return value


def _argv(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidAction("field 'argv' must be an array of strings")
    return tuple(cast(list[str], value))


def _object(value: object, name: str, allowed: frozenset[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidAction(f"field {name!r} must be an object, got {_json_type(value)}")
    unknown = sorted(value.keys() - allowed)
    if unknown:
        raise InvalidAction(f"unknown field {name + '.' + unknown[0]!r}")
    return value


def _agent(value: object) -> Agent:
    data = _object(value, "agent", frozenset({"id", "kind", "host", "user", "session"}))
    if not data:
        raise InvalidAction("missing field 'agent' (at least agent.id)")
    agent = Agent(
        id=_require_str(data, "id", "agent."),
        **{name: _optional_str(data, name, "agent.") for name in ("kind", "host", "user", "session")},
    )
    if agent.kind and agent.kind not in AGENT_KINDS:
        raise InvalidAction(f"field 'agent.kind' must be one of {', '.join(AGENT_KINDS)}; got {agent.kind!r}")
    return replace(agent, kind=agent.kind or "other")


def _target(value: object) -> Target:
    data = _object(value, "target", frozenset({"environment", "resource"}))
    return Target(**{name: _optional_str(data, name, "target.") for name in ("environment", "resource")})
