"""The gate: submit → judge → hold/decide, expiry and the socket API (headless: no UI imports).

Nothing is imported here eagerly: the client half runs inside agent hooks and must stay stdlib-only.
"""
