"""Remote approvals over SSH: the gate's asyncssh server (public keys only, identity from the key).

Each session runs a short pipeline of one-job steps (session.py), like charmbracelet/wish: identify →
authorise → PTY or command → log → run. Interactive sessions get the TUI in its own PTY and process
(pty_session.py); commands run the same `interlock` CLI in a subprocess (commands.py). Both act for the
key's approver through a session token the gate issued, never as the gate's OS user.
"""
