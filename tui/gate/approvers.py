"""Who may decide: the approvers file, and the Identity a channel establishes.

`approvers.yaml` (config dir) names people, their roles, their local OS users and SSH public keys. The
gate maps a control-socket peer's uid, or the SSH key that authenticated, to one of them; what a client
*claims* is never consulted. Without the file the gate runs in single-user mode: the local user is an
approver with every role, and every screen says so (DESIGN.md threat model).

    approvers:
      - name: alice
        roles: [senior]
        users: [alice]
        keys: ["ssh-ed25519 AAAAC3Nza... alice@laptop"]
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Decision rights grow with rank; `agent` keys may only submit (remote agents over SSH).
ROLE_RANK = {"agent": -1, "observer": 0, "approver": 1, "senior": 2, "admin": 3}
_FIELDS = frozenset({"name", "roles", "users", "keys"})


class ApproversError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is acting, as the channel proved it (peer uid, SSH key), with the roles the file grants."""

    name: str
    roles: frozenset[str] = frozenset({"admin"})
    channel: str = "local"
    users: frozenset[str] = frozenset()
    fingerprint: str = ""

    @property
    def role(self) -> str:
        """The highest role held: the one a decision is recorded under."""
        return max(self.roles, key=ROLE_RANK.__getitem__, default="observer")

    def has(self, role: str) -> bool:
        """At least `role`: a senior may do what an approver may."""
        return any(ROLE_RANK[mine] >= ROLE_RANK[role] >= 0 for mine in self.roles)


@dataclass(frozen=True, slots=True)
class Approver:
    name: str
    roles: frozenset[str]
    users: frozenset[str] = frozenset()
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Approvers:
    """The loaded file; `single_user` when there is none."""

    people: tuple[Approver, ...] = ()
    single_user: bool = True
    source: str = ""
    _by_user: dict[str, Approver] = field(default_factory=dict, compare=False)
    _by_key: dict[str, Approver] = field(default_factory=dict, compare=False)

    def for_local_user(self, user: str) -> Identity | None:
        if self.single_user:
            return Identity(name=user, roles=frozenset({"admin"}), channel="local", users=frozenset({user}))
        person = self._by_user.get(user)
        return None if person is None else _identity(person, "local", "")

    def for_key(self, public_key: str) -> Identity | None:
        """The approver whose key this is (`type base64 [comment]`); single-user mode admits no keys."""
        person = self._by_key.get(key_id(public_key))
        return None if person is None else _identity(person, "ssh", fingerprint(public_key))


def _identity(person: Approver, channel: str, print_: str) -> Identity:
    return Identity(
        name=person.name, roles=person.roles, channel=channel, users=person.users, fingerprint=print_
    )


def key_id(public_key: str) -> str:
    """`type base64`, the comment dropped: what identifies a key."""
    parts = public_key.split()
    return " ".join(parts[:2])


def fingerprint(public_key: str) -> str:
    """OpenSSH's SHA256 fingerprint, as `ssh-keygen -l` prints it."""
    parts = public_key.split()
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (IndexError, ValueError):
        return "SHA256:?"
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def load_approvers(path: Path) -> Approvers:
    """Read and validate the file; no file means single-user mode. Errors name the file and entry."""
    if not path.exists():
        return Approvers(single_user=True, source=str(path))
    import yaml

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ApproversError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or set(data) != {"approvers"} or not isinstance(data["approvers"], list):
        raise ApproversError(f"{path}: expected one key, `approvers:`, holding a list")
    people = tuple(_approver(entry, f"{path}: approvers[{n}]") for n, entry in enumerate(data["approvers"]))
    return _indexed(people, str(path))


def _approver(entry: Any, where: str) -> Approver:
    if not isinstance(entry, dict):
        raise ApproversError(f"{where}: each approver is a mapping with name, roles, users, keys")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ApproversError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_FIELDS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ApproversError(f"{where}: `name` must be a non-empty string")
    lists = {key: entry.get(key) or [] for key in ("roles", "users", "keys")}
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ApproversError(f"{where} ({name}): `{key}` must be a list of strings")
    bad = sorted(set(lists["roles"]) - ROLE_RANK.keys())
    if bad or not lists["roles"]:
        raise ApproversError(
            f"{where} ({name}): roles must be some of {', '.join(ROLE_RANK)}; got {bad or 'none'}"
        )
    for key in lists["keys"]:
        if fingerprint(key) == "SHA256:?":
            raise ApproversError(f"{where} ({name}): not an OpenSSH public key: {key[:40]!r}")
    return Approver(name, frozenset(lists["roles"]), frozenset(lists["users"]), tuple(lists["keys"]))


def _indexed(people: tuple[Approver, ...], source: str) -> Approvers:
    by_user: dict[str, Approver] = {}
    by_key: dict[str, Approver] = {}
    names: set[str] = set()
    for person in people:
        if person.name in names:
            raise ApproversError(f"{source}: approver {person.name!r} is listed twice")
        names.add(person.name)
        for user in person.users:
            if user in by_user:
                raise ApproversError(
                    f"{source}: OS user {user!r} belongs to both {by_user[user].name} and {person.name}"
                )
            by_user[user] = person
        for key in person.keys:
            if key_id(key) in by_key:
                raise ApproversError(f"{source}: a key of {person.name} is also {by_key[key_id(key)].name}'s")
            by_key[key_id(key)] = person
    return Approvers(people, single_user=False, source=source, _by_user=by_user, _by_key=by_key)
