"""Status names and the sets clients branch on, importable without the rest of the model.

Kept apart from model.py because the submit path (agent hooks) needs only these, and must stay fast.
"""

STATUSES = ("pending", "approved", "rejected", "expired", "allowed", "denied", "cancelled")
TERMINAL = frozenset(STATUSES) - {"pending"}
#: Statuses under which the agent may go ahead; everything else is a refusal (fail closed).
GO = frozenset({"approved", "allowed"})

#: Autonomy levels, least to most trusted (DESIGN.md's table).
AUTONOMY_LEVELS = ("halt", "observe", "supervised", "trusted", "autonomous")

MAX_SECONDS = 366 * 86400.0  # no TTL, timeout, window or time box is longer than a year
