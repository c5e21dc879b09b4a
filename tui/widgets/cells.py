"""Small formatting rules every list and pane shares: badges, durations, environments, sort keys.

Pure functions over `Action` so they are cheap to call from `render_line` and trivial to test.
"""

from __future__ import annotations

from tui.model import Action
from tui.timefmt import duration

LEVEL_RANK = {"critical": 3, "high": 2, "medium": 1, "low": 0}
BADGE = {"critical": "CRIT", "high": "HIGH", "medium": "MED", "low": "LOW"}
#: Levels a multi-selection may approve or reject in one go; the rest are reviewed one by one.
BULK_LEVELS = frozenset({"low", "medium"})
PRODUCTION = ("prod", "production", "prd", "live")


def rank(action: Action) -> int:
    return LEVEL_RANK.get(action.risk.level, 1)


def badge(level: str) -> str:
    return BADGE.get(level, level[:4].upper() or "?")


def short_environment(action: Action) -> str:
    """The environment for a narrow column: `production` is written `prod`, as people say it."""
    env = action.environment
    return "prod" if env == "production" else env


def is_production(action: Action) -> bool:
    claims = (action.risk.environment, action.target.environment)
    return any(env.lower().startswith(PRODUCTION) for env in claims)


def queue_key(action: Action) -> tuple[int, int, float, str]:
    """Riskiest first, then oldest first: what needs a human soonest is on top."""
    return (-rank(action), -action.risk.score, action.created_at, action.id)


def history_key(action: Action) -> tuple[float, str]:
    """Most recently resolved first."""
    return (-(action.resolved_at or action.created_at), action.id)




def countdown(expires_at: float | None, now: float) -> str:
    """Time left before an action expires (and the agent is refused): 9:42, 1:05:00, or `expired`."""
    if expires_at is None:
        return "-"
    left = int(expires_at - now)
    if left <= 0:
        return "expired"
    if left >= 3600:
        return f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}"
    return f"{left // 60}:{left % 60:02d}"


URGENT_S = 300


def age(seconds: float) -> str:
    """A list-column age: to the second for the first minute, then to the minute (so rows older than a
    minute repaint once a minute, not every second): 42s, 3m, 2h05m, 3d04h."""
    s = int(max(0.0, seconds))
    if 60 <= s < 3600:
        return f"{s // 60}m"
    return duration(s)


def time_left(expires_at: float | None, now: float) -> str:
    """A list-column countdown: minutes while more than five are left (9m, 1h05m), then to the second
    (4:59) when it becomes urgent; `expired` once past."""
    if expires_at is None:
        return "-"
    left = int(expires_at - now)
    if left <= 0:
        return "expired"
    if left >= URGENT_S:
        return f"{left // 60}m" if left < 3600 else f"{left // 3600}h{left % 3600 // 60:02d}m"
    return f"{left // 60}:{left % 60:02d}"


def short_id(action_id: str) -> str:
    """The random tail of a UUIDv7: the head is a timestamp, alike for actions submitted together."""
    return action_id.replace("-", "")[-6:]


def last_decision(action: Action) -> tuple[str, str]:
    """(who, why) of the decision that resolved the action, or ('', '') if none."""
    if not action.decisions:
        return "", ""
    last = action.decisions[-1]
    return last.by, last.reason


def haystack(action: Action) -> str:
    """What the filter searches: the visible fields, plus `key:value` tokens (`env:prod`, `level:high`)."""
    agent, target = action.agent, action.target
    named = {action.environment, short_environment(action), target.environment}
    envs = " ".join(f"env:{env}" for env in sorted(named))
    return " ".join(
        (
            f"level:{action.risk.level} {envs} agent:{agent.id} kind:{action.kind}",
            f"status:{action.status} host:{agent.host}",
            action.summary,
            action.command[:2000],
            action.path,
            target.resource,
        )
    ).lower()
