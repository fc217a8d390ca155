"""A YAML reader whose every error names the file, line and column: shared by the plan and `extract.yml`.

Files are composed into a node tree (not loaded into plain values), so a field that breaks its rule can be
pointed at where it stands. Each error is one line: `file:line:column: where: what was wrong`.
"""
from __future__ import annotations

from pathlib import Path

import yaml


def compose(path: Path, error: type[Exception], what: str) -> yaml.Node:
    """The node tree of a YAML file; `error` is raised, naming `what` the file is, when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}:1:1: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise error(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if node is None:
        raise error(f"{path}:1:1: the {what} file is empty")
    return node


class Reader:
    """Reads typed values out of a node tree, raising `error` at the node's line and column."""

    def __init__(self, path: Path, error: type[Exception]):
        self.path = path
        self.error = error

    def fail(self, node: yaml.Node, where: str, message: str) -> Exception:
        mark = node.start_mark
        return self.error(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {where}: {message}")

    def mapping(self, node: yaml.Node, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
                ) -> dict[str, yaml.Node]:
        """The fields of a mapping: every required one present, no unknown or repeated one."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, f"expected a mapping with fields {', '.join(required or optional)}")
        fields: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value
            if name not in required + optional:
                allowed = ", ".join(required + optional)
                raise self.fail(key, where, f"unknown field {name!r}; expected one of {allowed}")
            if name in fields:
                raise self.fail(key, where, f"field {name!r} is given twice")
            fields[name] = value
        for name in required:
            if name not in fields:
                raise self.fail(node, where, f"missing field {name!r}")
        return fields

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "expected a list")
        return list(node.value)

    def text(self, node: yaml.Node, where: str, nullable: bool = False) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and nullable:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
            raise self.fail(node, where, "expected text" + (" or null" if nullable else ""))
        return str(node.value).strip()

    def choice(self, node: yaml.Node, where: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, where)
        if value not in choices:
            raise self.fail(node, where, f"expected one of {', '.join(choices)}; found {value!r}")
        return value

    def number(self, node: yaml.Node, where: str) -> float:
        try:
            return float(self.text(node, where))
        except ValueError:
            raise self.fail(node, where, f"expected a number; found {node.value!r}") from None

    def boolean(self, node: yaml.Node, where: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.value not in ("true", "false"):
            raise self.fail(node, where, f"expected true or false; found {getattr(node, 'value', '')!r}")
        return node.value == "true"
