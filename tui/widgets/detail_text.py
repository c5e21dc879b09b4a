"""The detail pane's sections as `Content`: what an action is, why it scored, what review it needs.

Labels are ours; every value an agent controls goes through `ui_text`/`ui_content`, never markup.
"""

from __future__ import annotations

import json

from textual.content import Content

from tui.model import Action
from tui.timefmt import duration
from tui.ui_text import flags, ui_content, ui_text
from tui.widgets.cells import badge, countdown, is_production, short_id
from tui.widgets.queue_tally import AgentTally

PAYLOAD_LIMIT = 4000
LABEL = "bold $text-muted"
LEVEL_STYLE = {
    "critical": "bold $text on $error",
    "high": "bold black on $warning",
    "medium": "$text on $primary 40%",
    "low": "$text-muted on $success 30%",
}


def _join(lines: list[Content]) -> Content:
    return Content("\n").join(lines)


def title(action: Action, now: float) -> Content:
    risk, target = action.risk, action.target
    env = action.environment_label or "no environment"
    env_style = "bold reverse $error" if is_production(action) else "bold"
    first = ui_content(
        (f" {badge(risk.level)} ", LEVEL_STYLE.get(risk.level, "")),
        (f" {risk.score}/100  ", "bold"),
        (action.kind, "bold"),
        f" · {action.tool}" if action.tool else "",
        "  ",
        (f" {env} ", env_style),
        f"  {target.resource}" if target.resource else "",
    )
    return _join(
        [
            first,
            status_line(action, now),
            ui_content(
                (f"id …{short_id(action.id)}", "$text-muted"),
                (f"  hash {action.content_hash[:12]}", "$text-muted"),
                (f"  policy {action.policy_hash[:12] or 'none loaded'}", "$text-muted"),
            ),
        ]
    )


def status_line(action: Action, now: float) -> Content:
    if action.status == "pending":
        left = countdown(action.expires_at, now)
        return ui_content(
            ("pending", "bold $warning"),
            f" · waiting {duration(now - action.created_at)}",
            " · expires in ",
            (left, "bold $warning" if left == "expired" else "bold"),
        )
    style = "bold $success" if action.status in ("approved", "allowed") else "bold $error"
    parts: list[str | Content | tuple[str, str]] = [(action.status, style)]
    if action.resolved_at is not None:
        parts.append(f" {duration(now - action.resolved_at)} ago")
    if action.decisions:
        last = action.decisions[-1]
        parts += [" by ", (last.by, "bold")]
        if last.reason:
            parts += [": ", last.reason]
    return ui_content(*parts)


def command(action: Action) -> Content:
    """The exact command, newlines kept, every character visible; for file edits, the path."""
    text = action.command or action.path or action.summary
    return ui_text(text, multiline=True)


def warnings(action: Action) -> Content | None:
    found = sorted({*flags(action.command), *flags(action.diff), *flags(action.path), *flags(action.summary)})
    if not found:
        return None
    return ui_content(("⚠ hidden or control characters (shown escaped): ", "bold $error"), ", ".join(found))


def risk(action: Action) -> Content:
    lines = [
        ui_content(
            ("RISK ", LABEL),
            (f"{action.risk.score}/100 {action.risk.level}", "bold"),
            "  read-only" if action.risk.read_only else "",
        )
    ]
    for reason in action.risk.reasons:
        lines.append(
            ui_content(
                (f"  {reason.contribution:+4d}  ", "bold"), (reason.rule, "$accent"), "  ", reason.text
            )
        )
    if not action.risk.reasons:
        lines.append(ui_content(("  no reasons recorded", "$text-muted")))
    return _join(lines)


def review(action: Action, now: float, *, single_user: bool = False) -> Content:
    """What the gate will ask for. In single-user mode the gate caps the quorum at one (gate/review.py):
    showing the policy's number there would promise a second approval nobody can give."""
    need = action.requirement
    quorum = 1 if single_user else need.approvals
    parts = [f"{quorum} approval{'s' if quorum != 1 else ''}", f"role {need.role}"]
    if quorum != need.approvals:
        parts[0] += f" (single-user mode; the policy asks {need.approvals})"
    if need.reason_required:
        parts.append("a written reason")
    if need.min_review_s:
        parts.append(f"at least {duration(need.min_review_s)} on the diff")
    lines = [ui_content(("NEEDS ", LABEL), " · ".join(parts))]
    approvals = [d for d in action.decisions if d.verdict == "approve"]
    lines.append(ui_content(("SO FAR ", LABEL), f"{len(approvals)} of {quorum} approvals"))
    for d in action.decisions:
        mark = ("  ✓ ", "bold $success") if d.verdict == "approve" else ("  ✗ ", "bold $error")
        lines.append(
            ui_content(
                mark,
                (d.by, "bold"),
                f" ({d.role}, {d.channel}) {duration(now - d.at)} ago",
                ": " if d.reason else "",
                d.reason,
            )
        )
    return _join(lines)


def agent(action: Action, tally: AgentTally | None, now: float) -> Content:
    who = action.agent
    where = f"{who.user}@{who.host}" if who.user or who.host else "unknown host"
    lines = [
        ui_content(
            ("AGENT ", LABEL),
            (who.id, "bold"),
            f" ({who.kind}) {where}",
            f" · session {who.session}" if who.session else "",
        ),
        ui_content(("CWD ", LABEL), action.cwd or "-"),
    ]
    if tally is not None and tally.pending:
        levels = ", ".join(f"{n} {level}" for level, n in tally.levels.most_common() if n > 0)
        lines.append(
            ui_content(
                ("QUEUE ", LABEL),
                f"{tally.pending} pending from this agent ({levels})",
                f" · last submitted {duration(now - tally.last_seen)} ago",
            )
        )
    return _join(lines)


def payload(action: Action) -> Content | None:
    """The raw input for tools whose meaning is in the payload; long payloads say how much is left out."""
    if action.payload is None or action.kind in ("shell", "file_edit", "file_write"):
        return None
    text = json.dumps(action.payload, indent=2, ensure_ascii=False, default=str)
    cut = ""
    if len(text) > PAYLOAD_LIMIT:
        text, cut = text[:PAYLOAD_LIMIT], f"\n… {len(text) - PAYLOAD_LIMIT:,} more characters not shown"
    return Content.assemble(("PAYLOAD\n", LABEL), ui_text(text, multiline=True), (cut, "bold $warning"))
