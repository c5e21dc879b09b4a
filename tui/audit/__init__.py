"""The audit trail (headless): a hash-chained, HMAC-authenticated log, its checks, and the metrics
that say whether human review keeps pace with the agents.

- `AuditLog` / `open_audit_log`: the gate's Auditor (log.py); the key comes from keyring (keys.py).
- `verify`: name the first edited, deleted, inserted or reordered record (verify.py).
- `metrics.from_store` / `metrics.build`: the governance report (metrics.py, lag.py, render.py).
- `Meter` / `pulse_from_store`: the cheap pulse for the TUI header (pulse.py).
Never imports textual or asyncssh; keyring loads only when a key is needed.
"""

from tui.audit.keys import AuditKey, KeyMissing, KeyUnavailable, load_key
from tui.audit.log import AuditLog, open_audit_log
from tui.audit.pulse import Meter, Pulse, pulse_from_store
from tui.audit.verify import Problem, Verdict, verify

__all__ = [
    "AuditKey",
    "AuditLog",
    "KeyMissing",
    "KeyUnavailable",
    "Meter",
    "Problem",
    "Pulse",
    "Verdict",
    "load_key",
    "open_audit_log",
    "pulse_from_store",
    "verify",
]
