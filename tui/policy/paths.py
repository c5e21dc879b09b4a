"""Blast radius of a path: one class per path, so a rule can say "recursive delete of a system path".

Classes, most to least dangerous: `root` (`/`, `/*`), `device` (`/dev/sda`), `system` (`/etc`, `/usr`, …),
`home` (a whole home directory), `variable` (unresolved `$X`: the shell decides, not us), `outside` (any
other path beyond the workspace), `workspace-root` (`.`, `*`: the whole checkout), `workspace`, `temp`
(`/tmp/x`), `build` (build outputs inside the workspace) and `null` (`/dev/null`). The lists of system
prefixes, temp dirs and build outputs are policy (`settings.paths`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from tui.policy.globs import GlobSet, normalise

PATH_CLASSES: tuple[str, ...] = (
    "root", "device", "system", "home", "variable", "outside", "workspace-root", "workspace", "temp",
    "build", "null",
)
_NULL_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/zero", "/dev/random",
                           "/dev/urandom", "/dev/tty", "/dev/stdin"})
_WILD = re.compile(r"^\.?[*?{}\[\]!.]*[*?{}][*?{}\[\]!.]*$")
_WILD_CHARS = re.compile(r"[*?{}]")
_CWD_PREFIX = re.compile(r"^(?:\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=/|$)")


def guess_workspace(path: str) -> str:
    """For a file edit with no working directory, `~/src/app/x.py` is taken to be in project `~/src/app`."""
    parts = normalise(path).split("/")
    if parts[0] == "~" and len(parts) > 3 and not any(p.startswith(".") or _wild(p) for p in parts[1:3]):
        return "/".join(parts[:3])
    return ""


def _wild(component: str) -> bool:
    return bool(_WILD.match(component))


class PathClassifier:
    """Classifies paths against the policy's lists; `cwd` (when known) defines the workspace."""

    def __init__(self, system: Iterable[str], temp: Iterable[str], build: Iterable[str]) -> None:
        self.system = tuple(p.rstrip("/") or "/" for p in system)
        self.temp = tuple(p.rstrip("/") for p in temp)
        build = list(build)
        self.build = GlobSet(build)
        self._build_names = frozenset(b for b in build if "/" not in b and not any(c in b for c in "*?["))
        self._build_globs = GlobSet([b for b in build if "/" in b or any(c in b for c in "*?[")])
        self._bases: dict[str, tuple[str, bool]] = {}  # workspace → (its normal form, is a build dir)
        self._temp_dirs = tuple(prefix + "/" for prefix in self.temp)
        self._system_dirs = tuple(prefix + "/" for prefix in self.system)
        self._system_set = frozenset(self.system)
        self._any_system = "/" in self.system

    def _base(self, workspace: str) -> tuple[str, bool]:
        """Memoised per workspace (an action's cwd: agents work in few directories)."""
        found = self._bases.get(workspace)
        if found is None:
            base = normalise(workspace) if workspace.startswith(("/", "~")) else ""
            found = (base, bool(base) and self.build.match(base.rsplit("/", 1)[-1]))
            if len(self._bases) > 1024:
                self._bases.clear()
            self._bases[workspace] = found
        return found

    def classify(self, raw: str, cwd: str = "", workspace: str = "") -> str:
        """`cwd` is where the command runs (after any `cd`); `workspace` is the action's own directory."""
        if raw.startswith(("$", "`")):
            raw = _CWD_PREFIX.sub(".", raw)
        if ("$" in raw and "$" in raw.replace("$HOME", "").replace("${HOME}", "")) or "`" in raw:
            return "variable"
        absolute = raw.startswith(("/", "~", "$HOME", "${HOME}"))
        if not absolute and cwd and cwd != workspace:
            if "$" in cwd:
                return "variable"
            raw = posixpath.join(cwd, raw)
            absolute = raw.startswith(("/", "~"))
        if not absolute and not workspace.startswith(("/", "~")):
            relative = posixpath.normpath(raw)
            return "outside" if relative.startswith("..") else self._inside(relative)
        path = normalise(raw, workspace)
        base, base_is_build = self._base(workspace)
        if base and base != "/" and (path == base or path.startswith(base + "/")):
            inside = self._inside(path[len(base) + 1 :] or ".")
            if base_is_build and inside.startswith("workspace"):
                return "build"  # the agent works inside a build output dir (`cd dist`)
            return inside
        return self._absolute(path)

    def _inside(self, relative: str) -> str:
        parts = relative.split("/")
        # a wild part has one of `*?{}` (see _WILD), so without any every part is a plain name
        if relative == "." or (_WILD_CHARS.search(relative) and all(_wild(part) for part in parts)):
            return "workspace-root"
        if not self._build_names.isdisjoint(parts) or self._build_globs.match(relative):
            return "build"
        return "workspace"

    def _absolute(self, path: str) -> str:
        if path == "~" or path.startswith("~/"):
            rest = path[2:].split("/") if path != "~" else []
            return "home" if not rest or _wild(rest[0]) else "outside"
        parts = [p for p in path.split("/") if p]
        if not parts or _wild(parts[0]):
            return "root"  # `/`, `/*`, or anything found anywhere under it
        if parts[0] == "dev":
            return "null" if path in _NULL_DEVICES or path.startswith("/dev/fd/") else "device"
        if parts[0] in ("home", "Users") and (len(parts) == 1 or all(_wild(p) for p in parts[1:])):
            return "home"
        if path.startswith(self._temp_dirs):
            return "temp"
        if self._any_system or path in self._system_set or path.startswith(self._system_dirs):
            return "system"
        return "outside"
