"""Interlock: change control for AI agents.

Version only: hooks import this package on every agent tool call, so nothing is imported eagerly.
"""

__version__ = "0.1.0"
