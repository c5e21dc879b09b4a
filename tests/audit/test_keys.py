"""The audit HMAC key: created on first use, kept in keyring, and never a silent plaintext file."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from tui.audit import KeyMissing, KeyUnavailable, load_key
from tui.audit.keys import ENV_FILE, FALLBACK_NAME, SERVICE, USERNAME


class MemoryKeyring(KeyringBackend):
    """Stands in for a real desktop keyring (Secret Service, Keychain)."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def system_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """No INTERLOCK_KEYRING_FILE and no keyring config: what keyring picks is ours to choose per test."""
    monkeypatch.delenv(ENV_FILE)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyringrc.cfg

    def use(backend: KeyringBackend) -> None:
        monkeypatch.setattr(keyring, "get_keyring", lambda: backend)

    return use


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_on_first_use_then_the_same_key(keyring_file: Path) -> None:
    first = load_key(create=True)
    assert len(first.secret) == 32
    assert load_key(create=False) == first
    assert mode(keyring_file) == 0o600
    assert mode(keyring_file.parent) == 0o700
    assert first.where == f"keyring file {keyring_file}"


def test_no_key_yet_is_reported_not_invented(keyring_file: Path) -> None:
    with pytest.raises(KeyMissing, match="no audit key in keyring file"):
        load_key(create=False)
    assert not keyring_file.exists()  # a check leaves nothing behind
    keyring_file.parent.mkdir()
    keyring_file.touch(mode=0o600)
    with pytest.raises(KeyMissing, match="the gate creates it on first use"):
        load_key(create=False)


def test_a_key_file_others_can_read_is_refused(keyring_file: Path) -> None:
    load_key(create=True)
    keyring_file.chmod(0o644)
    with pytest.raises(KeyUnavailable, match=r"open to others \(mode 0o644\); run: chmod 600"):
        load_key(create=False)


def test_a_damaged_key_is_refused(keyring_file: Path) -> None:
    load_key(create=True)
    backend = PlaintextKeyring()
    backend.file_path = str(keyring_file)
    backend.set_password(SERVICE, USERNAME, "not-hex")
    with pytest.raises(KeyUnavailable, match="not a 64-digit hex key"):
        load_key(create=False)


def test_a_real_keyring_is_used_and_nothing_is_written_to_disk(
    system_keyring: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    memory = MemoryKeyring()
    system_keyring(memory)
    key = load_key(create=True)
    assert memory.values[(SERVICE, USERNAME)] == key.secret.hex()
    assert "MemoryKeyring" in key.where
    assert not (tmp_path / "state" / "interlock" / FALLBACK_NAME).exists()
    assert not caplog.records


@pytest.mark.parametrize(
    "chosen", [fail.Keyring(), PlaintextKeyring()], ids=["no-backend", "keyring-picks-plaintext"]
)
def test_headless_host_falls_back_to_a_0600_file_and_says_so(
    chosen: KeyringBackend, system_keyring: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No real backend (or only keyrings.alt's own plaintext pick in the data dir): our documented
    fallback file in the state dir, created 0600, and a warning naming it — every time it is used."""
    system_keyring(chosen)
    with caplog.at_level(logging.WARNING, logger="interlock.audit"):
        key = load_key(create=True)
    path = tmp_path / "state" / "interlock" / FALLBACK_NAME
    assert key.where == f"keyring file {path}"
    assert mode(path) == 0o600
    stored = PlaintextKeyring()
    stored.file_path = str(path)
    assert stored.get_password(SERVICE, USERNAME) == key.secret.hex()
    [warning] = caplog.records
    assert "no keyring backend on this host" in warning.getMessage()
    assert str(path) in warning.getMessage()
    assert ENV_FILE in warning.getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="interlock.audit"):
        assert load_key(create=False) == key
    assert len(caplog.records) == 1  # not only the first time


def test_without_keyrings_alt_the_message_says_what_to_install(
    system_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_keyring(fail.Keyring())
    monkeypatch.setitem(sys.modules, "keyrings.alt.file", None)  # import fails as if not installed
    with pytest.raises(KeyUnavailable, match=r"keyrings.alt is not installed.*pip install keyrings.alt"):
        load_key(create=True)


def test_a_failing_keyring_is_reported_with_the_way_out(system_keyring: Any) -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked("the collection is locked")

    system_keyring(Locked())
    with pytest.raises(KeyUnavailable, match=f"the collection is locked; set {ENV_FILE}"):
        load_key(create=True)


def test_the_keyring_file_is_never_the_users_default(keyring_file: Path) -> None:
    """The autouse fixture points every audit test at its own file."""
    assert os.environ[ENV_FILE] == str(keyring_file)
    load_key(create=True)
    assert keyring_file.exists()
