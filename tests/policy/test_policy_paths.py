"""Path blast radius and gitignore-style globs."""

from __future__ import annotations

import pytest

from tui.policy.globs import GlobSet, normalise
from tui.policy.paths import PathClassifier, guess_workspace

CLASSIFY = PathClassifier(
    ["/etc", "/usr", "/var"], ["/tmp"], ["dist", "build", "node_modules", "*.pyc"]
).classify


@pytest.mark.parametrize(
    ("path", "cwd", "workspace", "expected"),
    [
        ("/", "", "", "root"),
        ("/*", "", "", "root"),
        ("*", "/", "/home/u/app", "root"),
        ("/**/*.log", "", "", "root"),
        ("~", "", "", "home"),
        ("$HOME", "", "", "home"),
        ("~/*", "", "", "home"),
        ("/home/u", "", "", "home"),
        ("/etc", "", "", "system"),
        ("/var/lib/pg", "", "", "system"),
        ("/dev/sda", "", "", "device"),
        ("/dev/null", "", "", "null"),
        ("/tmp/x", "", "", "temp"),
        ("$DIR/x", "", "", "variable"),
        ("x", "$UNKNOWN", "", "variable"),
        ("~/.config", "", "", "outside"),
        ("../x", "", "/home/u/app", "outside"),
        ("/opt2/x", "", "", "outside"),
        (".", "", "", "workspace-root"),
        ("*", "", "", "workspace-root"),
        ("./*", "", "/home/u/app/dist", "build"),
        ("src", "", "", "workspace"),
        ("dist", "", "", "build"),
        ("a/node_modules/b", "", "", "build"),
        ("./**/*.pyc", "", "", "build"),
        ("/home/u/app/src", "", "/home/u/app", "workspace"),
        ("*", "build", "/w", "build"),
        ("$PWD/dist", "", "", "build"),
    ],
)
def test_classes(path: str, cwd: str, workspace: str, expected: str) -> None:
    assert CLASSIFY(path, cwd, workspace) == expected


def test_workspace_guess_for_file_edits_without_cwd() -> None:
    assert guess_workspace("/home/dev/src/app/main.py") == "~/src/app"
    assert guess_workspace("/home/dev/.ssh/config") == ""


@pytest.mark.parametrize(
    ("raw", "cwd", "expected"),
    [
        ("./.claude/../.claude//settings.json", "", ".claude/settings.json"),
        ("$HOME/.bashrc", "", "~/.bashrc"),
        ("/home/dev/.aws/credentials", "", "~/.aws/credentials"),
        ("x", "/home/dev/app", "~/app/x"),
        ("//etc/passwd", "", "/etc/passwd"),
        ("~//.ssh/id_rsa", "", "~/.ssh/id_rsa"),
    ],
)
def test_normalise(raw: str, cwd: str, expected: str) -> None:
    assert normalise(raw, cwd) == expected


def test_glob_semantics() -> None:
    globs = GlobSet(
        [".env", ".env.*", "!.env.example", "~/.ssh/id_*", "!~/.ssh/id_*.pub", ".github/workflows/**"]
    )
    for hit in (
        ".env",
        "~/src/app/.env",
        "app/.env.production",
        "~/.ssh/id_rsa",
        ".github/workflows/ci.yml",
        "~/app/.github/workflows/a/b.yml",
    ):
        assert globs.match(hit), hit
    for miss in (".env.example", "~/.ssh/id_rsa.pub", "envs/x", "~/x/.ssh/id_rsa", ".github/workflows_old/x"):
        assert not globs.match(miss), miss
    assert globs.any(["a", ".env"]) == ".env"
