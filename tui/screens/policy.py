"""PolicyScreen: which policy judged the recent actions, and which rules moved their scores.

The gate does not report its loaded rule files, last reload or load errors yet (issue 3); until it does,
this screen shows what the actions themselves carry: the policy hash and every contributing reason.
"""

from __future__ import annotations

from rich.text import Text

from tui.model import Action
from tui.screens.recent import RecentScreen
from tui.timefmt import duration
from tui.ui_text import ui_rich
from tui.widgets.roster import PolicyDigest


class PolicyScreen(RecentScreen):
    """Policy hashes and rule contributions over the pending queue and the latest 1,000 actions."""

    TAB = "policy"
    NOTE = (
        "The policy in force, and the rules that contributed to recent actions (pending, latest 1,000, live)."
    )
    COLUMNS = ("RULE", "HITS", "AVG CONTRIBUTION", "EXAMPLE REASON")

    def __init__(self) -> None:
        super().__init__()
        self.digest = PolicyDigest()

    def absorb(self, action: Action) -> None:
        self.digest.add(action)

    def table_rows(self, now: float) -> list[tuple[Text, ...]]:
        digest, link = self.digest, self.link
        rows = []
        if link is not None and link.policy is not None:
            rows.append(_row("loaded (gate)", link.policy[:16] or "none loaded (every action held)", "bold"))
        if link is not None and link.policy_loaded_at is not None:
            when = f"{duration(now - link.policy_loaded_at)} ago ({link.policy_rules} rules)"
            rows.append(_row("loaded / reloaded", when))
        for path in link.policy_files if link is not None else ():
            rows.append(_row("file", path))
        current = digest.last_hash[:16] or "none (held without a policy)"
        ago = f" ({duration(now - digest.last_at)} ago)" if digest.last_at else ""
        rows.append(_row("newest action", f"judged by {current}{ago}" if digest.last_at else "-"))
        if link is not None and link.policy_error:
            rows.append(
                _row("load error", f"{link.policy_error} (the last good policy stays loaded)", "bold red")
            )
        hashes = ", ".join(f"{h[:12] or 'none'} x{n}" for h, n in digest.hashes.most_common(4))
        rows.append(_row("hashes seen", hashes or "-"))
        for rule in sorted(digest.rules.values(), key=lambda r: (-r.hits, r.rule)):
            average = Text(f"{rule.total / max(1, rule.hits):+.1f}", justify="right")
            rows.append(
                (
                    ui_rich(rule.rule, "bold"),
                    Text(str(rule.hits), justify="right"),
                    average,
                    ui_rich(rule.example),
                )
            )
        return rows


def _row(label: str, value: str, style: str = "") -> tuple[Text, ...]:
    return (Text(label, style="bold"), Text(""), Text(""), ui_rich(value, style))
