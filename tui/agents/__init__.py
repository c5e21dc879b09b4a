"""Agent hook adapters: one module per agent, one registry dict (headless; the hook path is stdlib-only).

Nothing is imported here: `interlock hook` runs on every agent tool call and must start fast.
"""
