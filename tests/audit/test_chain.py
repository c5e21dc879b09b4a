"""The sealed bytes: one definition for the writer and the checker, whatever the columns hold."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tui.audit.chain import GENESIS, authentic, body, hashes_to_itself, seal


@pytest.mark.parametrize(
    ("seq", "at", "kind"),
    [
        (1, 1_800_000_000.123, "submission"),
        (2**40, 0.1, 'we"ird\\kind\n\x1b\u202e\u00e9'),
        (7, 1e-7, ""),
        (8, 1e22, "ssh_login"),
    ],
)
def test_the_fast_header_is_exactly_the_json_encoding(seq: int, at: float, kind: str) -> None:
    expected = json.dumps([seq, at, kind, GENESIS]) + "\n{}"
    assert body(seq, at, kind, GENESIS, "{}") == expected.encode()


@pytest.mark.parametrize("at", ["1800000000.0", None, 1800000000, float("inf"), b"\x00"])
def test_columns_of_the_wrong_type_hash_differently_without_crashing(at: object) -> None:
    assert body(1, at, "k", GENESIS, "{}") != body(1, 1800000000.0, "k", GENESIS, "{}")


def test_a_sealed_record_checks_out_and_a_changed_one_does_not() -> None:
    row = seal(1, 5.0, "note", '{"a":1}', GENESIS, secret=b"k" * 32, key_id="id")
    assert hashes_to_itself(row) and authentic(row, b"k" * 32)
    assert not authentic(row, b"x" * 32)
    assert not hashes_to_itself(replace(row, data='{"a":2}'))
    assert not authentic(replace(row, mac="\u00e9" * 64), b"k" * 32)  # non-ASCII MAC: no crash
