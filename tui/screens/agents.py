"""AgentsScreen: every agent seen, busiest queue first: its live autonomy (who set it, a breaker, the time
left on a time box, incident mode), what it is waiting on, how fast it acts, and how its actions ended."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.model import Action
from tui.screens.recent import RecentScreen
from tui.statuses import AUTONOMY_LEVELS
from tui.timefmt import duration
from tui.ui_text import ui_rich
from tui.widgets.cells import LEVEL_RANK
from tui.widgets.roster import Roster


class AgentsScreen(RecentScreen):
    """The agents roster, computed from the pending queue, the latest 1,000 actions and the live feed."""

    TAB = "agents"
    NOTE = "Agents seen in the pending queue, the latest 1,000 actions and everything since."
    COLUMNS = (
        "AGENT",
        "AUTONOMY",
        "KIND",
        "WHERE",
        "PENDING",
        "RISKIEST",
        "PER MIN",
        "LAST",
        "LAST ACTION",
        "OUTCOMES",
        "ENVIRONMENTS",
    )

    def __init__(self) -> None:
        super().__init__()
        self.roster = Roster()

    def absorb(self, action: Action) -> None:
        self.roster.add(action)

    def table_rows(self, now: float) -> list[tuple[Text, ...]]:
        agents = sorted(self.roster.agents.values(), key=lambda r: (-len(r.pending), -r.last_at, r.agent_id))
        state = self.link.autonomy if self.link is not None else None
        rows: list[tuple[Text, ...]] = []
        for agent in agents:
            levels = [level for level, n in agent.pending_levels.items() if n > 0]
            riskiest = max(levels, key=lambda level: LEVEL_RANK.get(level, 0)) if levels else "-"
            outcomes = ", ".join(f"{n} {status}" for status, n in agent.outcomes.most_common())
            envs = ", ".join(env for env, _ in agent.environments.most_common(3))
            rows.append(
                (
                    ui_rich(agent.agent_id, "bold"),
                    autonomy_cell(state, agent.agent_id, now),
                    ui_rich(agent.kind),
                    ui_rich(agent.where),
                    Text(str(len(agent.pending)), justify="right"),
                    ui_rich(riskiest),
                    Text(f"{agent.per_minute(now):.1f}", justify="right"),
                    Text(f"{duration(now - agent.last_at)} ago" if agent.last_at else "-"),
                    ui_rich(agent.last_summary[:60]),
                    ui_rich(outcomes or "-"),
                    ui_rich(envs),
                )
            )
        return rows


def autonomy_cell(state: dict[str, Any] | None, agent: str, now: float) -> Text:
    """`trusted (bob, 12m left)`, `observe (BREAKER)`, `halt (INCIDENT)`; `?` when the gate has not said."""
    if state is None:
        return Text("?", style="dim")
    grant = state["grants"].get(agent)
    level = grant["level"] if grant else state["default"]
    notes = []
    if grant:
        notes.append("BREAKER" if grant.get("source") == "breaker" else str(grant.get("by", "")))
        if grant.get("until"):
            notes.append(f"{duration(max(0.0, grant['until'] - now))} left")
    incident = state.get("incident")
    if incident and AUTONOMY_LEVELS.index(incident["level"]) < AUTONOMY_LEVELS.index(level):
        level, notes = incident["level"], ["INCIDENT"]
    style = "bold red" if level == "halt" or "BREAKER" in notes else ""
    return ui_rich(f"{level}{' (' + ', '.join(notes) + ')' if notes else ''}", style)
