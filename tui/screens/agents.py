"""AgentsScreen: every agent seen, busiest queue first: what it is waiting on, how fast it acts, and how
its actions ended. Autonomy levels, throttles and breakers join this table when the gate reports them."""

from __future__ import annotations

from rich.text import Text

from tui.model import Action
from tui.screens.recent import RecentScreen
from tui.ui_text import ui_rich
from tui.widgets.cells import LEVEL_RANK, duration
from tui.widgets.roster import Roster


class AgentsScreen(RecentScreen):
    """The agents roster, computed from the pending queue, the latest 1,000 actions and the live feed."""

    TAB = "agents"
    NOTE = "Agents seen in the pending queue, the latest 1,000 actions and everything since."
    COLUMNS = (
        "AGENT",
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
        rows: list[tuple[Text, ...]] = []
        for agent in agents:
            levels = [level for level, n in agent.pending_levels.items() if n > 0]
            riskiest = max(levels, key=lambda level: LEVEL_RANK.get(level, 0)) if levels else "-"
            outcomes = ", ".join(f"{n} {status}" for status, n in agent.outcomes.most_common())
            envs = ", ".join(env for env, _ in agent.environments.most_common(3))
            rows.append(
                (
                    ui_rich(agent.agent_id, "bold"),
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
