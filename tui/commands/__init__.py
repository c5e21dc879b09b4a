"""Client-side commands of the `interlock` CLI (standard library only: they run inside agent hooks)."""
