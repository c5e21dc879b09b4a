"""The store contract runs against every backend: add a backend here and it must pass unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.store import Store, open_store

BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    raise AssertionError(request.param)


@pytest.fixture
def open_stores(store_url: str) -> Iterator[Callable[[], Store]]:
    """Opens as many independent connections to the same store as a test needs; closes them all."""
    opened: list[Store] = []

    def make() -> Store:
        opened.append(open_store(store_url))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(open_stores: Callable[[], Store]) -> Store:
    return open_stores()
