"""YAML that remembers where each key and item came from, so every error can say `file:line`.

PyYAML forgets positions once it builds Python objects; these subclasses keep the line of every mapping key
and sequence item. Duplicate keys are an error here (PyYAML silently keeps the last one, which would let
a typo'd second `match:` quietly replace the first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.policy.errors import PolicyError


class LDict(dict[str, Any]):
    """A mapping with `line` (its own) and `lines[key]` (each key's), 1-based."""

    line: int = 0
    lines: dict[str, int]


class LList(list[Any]):
    line: int = 0
    lines: list[int]


def load_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read: {exc}", path) from exc
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(loader_class):  # type: ignore[misc, valid-type]
        pass

    def mapping(loader: Any, node: Any) -> LDict:
        result = LDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise PolicyError(f"keys must be strings, got {key!r}", path, key_node.start_mark.line + 1)
            if key in result:
                raise PolicyError(f"duplicate key {key!r}", path, key_node.start_mark.line + 1)
            result[key] = loader.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def sequence(loader: Any, node: Any) -> LList:
        result = LList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    try:
        _refuse_alias_bombs(yaml, text, loader_class, path)
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise PolicyError(f"invalid YAML: {exc.problem}", path, mark.line + 1 if mark else 0) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML: {exc}", path) from exc


def _refuse_alias_bombs(yaml: Any, text: str, loader_class: Any, path: Path) -> None:
    """An anchored value that itself holds aliases is refused: nine such levels expand to a billion
    items when the rule is hashed (a rule file once stalled the gate for a minute and killed its watch).
    Plain reuse (`command: &infra [...]` ... `command: *infra`) stays allowed."""
    open_anchored: list[bool] = []
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            open_anchored.append(event.anchor is not None)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            open_anchored.pop()
        elif isinstance(event, yaml.AliasEvent) and any(open_anchored):
            raise PolicyError(
                "an anchored value (&name) may not contain aliases (*name): they multiply", path,
                event.start_mark.line + 1,
            )


def line_of(container: Any, key: str | int, default: int = 0) -> int:
    """The line of `container[key]`, falling back to the container's own line."""
    lines = getattr(container, "lines", None)
    if isinstance(container, LDict) and isinstance(key, str) and lines is not None:
        return int(lines.get(key, container.line))
    if isinstance(container, LList) and isinstance(key, int) and lines is not None and 0 <= key < len(lines):
        return int(lines[key])
    return int(getattr(container, "line", default))
