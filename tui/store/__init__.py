"""Durable action queue: one Store protocol, one module per backend (headless: no UI imports)."""

from tui.store.base import Conflict, NotFound, Store, StoreError, open_store

__all__ = ["Conflict", "NotFound", "Store", "StoreError", "open_store"]
