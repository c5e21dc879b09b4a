"""The audit HMAC key: held in keyring (service `interlock`), created on first use by the gate.

Where the key lives, first match wins:
1. `INTERLOCK_KEYRING_FILE` names a file: the keyrings.alt file backend there. An explicit choice (tests,
   containers, operators of headless hosts), so no warning.
2. The system keyring, when it has a recommended backend (Secret Service, macOS Keychain, Windows
   Credential Locker) or the user configured one (`PYTHON_KEYRING_BACKEND`, keyringrc.cfg).
3. Otherwise (a headless host; root in CI) the documented fallback: the keyrings.alt file backend at
   `<state dir>/audit-keyring.cfg`, created 0600, with a warning naming the file each time it is used.
   Left to itself keyring would fail, or with keyrings.alt installed silently pick a plaintext file in the
   data dir: a key nobody knows is on disk. We do neither.
A key file that others can read, or that another user owns, is refused rather than trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "interlock"
USERNAME = "audit-hmac-key"
ENV_FILE = "INTERLOCK_KEYRING_FILE"
FALLBACK_NAME = "audit-keyring.cfg"

log = logging.getLogger("interlock.audit")

_FALLBACK_NOTE = (
    "no keyring backend on this host: the audit HMAC key is kept in {path} (keyrings.alt file backend, "
    "mode 0600, not encrypted). Anyone who can read it can forge audit records. Set up a keyring backend "
    "(e.g. Secret Service), or set {env} to a file of your choosing to make this explicit."
)
_NO_ALT = (
    "no keyring backend on this host and keyrings.alt is not installed: the audit log needs a key. "
    "Install keyrings.alt (pip install keyrings.alt) for the 0600 file fallback, or set up a keyring backend."
)


class KeyUnavailable(Exception):
    """The key cannot be read or created; the message says where we looked and what to do."""


class KeyMissing(KeyUnavailable):
    """No key exists yet (and the caller, e.g. `audit verify`, must not create one)."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    secret: bytes = field(repr=False)
    id: str
    """A fingerprint stored with each record: verify can tell "wrong key" from "edited"."""
    where: str
    """Where the key is kept, for messages."""


def key_id(secret: bytes) -> str:
    return hashlib.sha256(b"interlock audit key id\n" + secret).hexdigest()[:16]


def load_key(*, create: bool) -> AuditKey:
    """The audit key from the keyring chosen as above; created (32 random bytes) if absent and `create`."""
    backend, where = _backend(create)
    text = _get(backend, where)
    if text is None:
        if not create:
            raise KeyMissing(f"no audit key in {where} (the gate creates it on first use)")
        _set(backend, where, secrets.token_hex(32))
        text = _get(backend, where)  # read back: if two processes raced, both use the one that was kept
        if text is None:
            raise KeyUnavailable(f"{where} did not keep the audit key it was given; {_hint()}")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 32:
        raise KeyUnavailable(f"the audit key in {where} is not a 64-digit hex key; refusing to use it")
    return AuditKey(secret, key_id(secret), where)


def _backend(create: bool) -> tuple[KeyringBackend, str]:
    explicit = os.environ.get(ENV_FILE)
    if explicit:
        path = Path(explicit)
        return _file_backend(path, create), f"keyring file {path}"
    import keyring
    import keyring.core
    from keyring.backends import fail

    system = keyring.get_keyring()
    real = keyring.core.recommended(system) and not _is_file_backend(system)
    if not isinstance(system, fail.Keyring) and (real or _configured()):
        return system, f"keyring backend {type(system).__module__}.{type(system).__name__}"
    from tui.locations import state_dir

    path = state_dir() / FALLBACK_NAME
    log.warning(_FALLBACK_NOTE.format(path=path, env=ENV_FILE))
    return _file_backend(path, create), f"keyring file {path}"


def _configured() -> bool:
    """Did the user choose a backend themselves (then it is theirs to judge, file or not)?"""
    import keyring.core

    try:
        return keyring.core.load_env() is not None or keyring.core.load_config() is not None
    except Exception:  # a broken keyring config: get_keyring() has already reported it its own way
        return False


def _is_file_backend(backend: KeyringBackend) -> bool:
    return type(backend).__module__.startswith("keyrings.alt")


def _file_backend(path: Path, create: bool) -> KeyringBackend:
    try:
        from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]
    except ImportError:
        raise KeyUnavailable(_NO_ALT) from None
    if not create and not path.exists():  # a check (audit verify) leaves no files behind
        raise KeyMissing(f"no audit key in keyring file {path} (the gate creates it on first use)")
    _ensure_private(path)
    plain = PlaintextKeyring()
    plain.file_path = str(path)  # an instance override keyrings.alt supports
    backend: KeyringBackend = plain
    return backend


def _ensure_private(path: Path) -> None:
    """Create the file 0600 (never briefly wider), or refuse one that others could read."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        info = path.stat()
    except OSError as exc:
        raise KeyUnavailable(f"cannot use keyring file {path}: {exc}") from None
    if info.st_uid != os.geteuid():
        raise KeyUnavailable(f"keyring file {path} belongs to uid {info.st_uid}, not you; refusing it")
    if stat.S_IMODE(info.st_mode) & 0o077:
        mode = oct(stat.S_IMODE(info.st_mode))
        raise KeyUnavailable(f"keyring file {path} is open to others (mode {mode}); run: chmod 600 {path}")


def _get(backend: KeyringBackend, where: str) -> str | None:
    from keyring.errors import KeyringError

    try:
        return backend.get_password(SERVICE, USERNAME)
    except KeyringError as exc:
        raise KeyUnavailable(f"cannot read the audit key from {where}: {exc}; {_hint()}") from None


def _set(backend: KeyringBackend, where: str, value: str) -> None:
    from keyring.errors import KeyringError

    try:
        backend.set_password(SERVICE, USERNAME, value)
    except (KeyringError, OSError) as exc:
        raise KeyUnavailable(f"cannot store the audit key in {where}: {exc}; {_hint()}") from None


def _hint() -> str:
    return f"set {ENV_FILE} to a file path to keep it in a 0600 keyrings.alt file instead"
