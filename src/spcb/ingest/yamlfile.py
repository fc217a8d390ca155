"""A YAML reader whose every error names the file, line and column: shared by the plan and `extract.yml`.

Files are composed into a node tree (not loaded into plain values), so a field that breaks its rule can be
pointed at where it stands. Each error is one line: `file:line:column: where: what was wrong`. A file is UTF-8
text, and no mapping anywhere in it gives a key twice (a YAML loader would silently keep the second). A
true/false field is a YAML boolean written `true` or `false`, never in quotes (a quoted "false" is text).
"""
from __future__ import annotations

from pathlib import Path

import yaml


def position(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column of byte `offset` in `data`, as a text editor counts them (from 1, in characters)."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def compose(path: Path, error: type[Exception], what: str) -> yaml.Node:
    """The node tree of a YAML file; `error` is raised, naming `what` the file is, when it cannot be read."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        raise error(f"{path}:{line}:{column}: the {what} file: found the byte 0x{data[exc.start]:02x}, "
                    "which is not UTF-8 text; save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)  # libyaml: the same nodes, several times faster
    except yaml.YAMLError:
        node = _compose_for_errors(path, error, text)
    if node is None:
        raise error(f"{path}:1:1: the {what} file is empty")
    _refuse_repeated_keys(node, (), Reader(path, error), f"the {what} file", set())
    return node


def _compose_for_errors(path: Path, error: type[Exception], text: str) -> yaml.Node:
    """Compose `text` with PyYAML's own reader, whose errors the messages here are written for."""
    try:
        return yaml.compose(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        raise error(f"{path}:{line}:{column}: not valid YAML: found the control character #x{exc.character:04x}; "
                    "expected printable text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise error(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _refuse_repeated_keys(node: yaml.Node, keys: tuple[str, ...], reader: Reader, top: str, visited: set[int]
                          ) -> None:
    """Fail at the first key, in the file's order, that its mapping already has; an alias is walked once.
    `keys` lead from the top of the file to `node`."""
    if id(node) in visited:
        return
    visited.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, entry in enumerate(node.value, start=1):
            _refuse_repeated_keys(entry, (*keys, f"entry {index}"), reader, top, visited)
    elif isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name in first_lines:
                raise reader.fail(key, ": ".join(keys) or top, f"key {name!r} is given twice "
                                  f"(first at line {first_lines[name]}); expected each key once")
            if name is not None:
                first_lines[name] = key.start_mark.line + 1
            _refuse_repeated_keys(value, (*keys, "(a complex key)" if name is None else name), reader, top, visited)


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
        """The fields of a mapping: every required one present, no unknown one (`compose` refused repeats)."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, f"expected a mapping with fields {', '.join(required or optional)}")
        fields: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value
            if name not in required + optional:
                allowed = ", ".join(required + optional)
                raise self.fail(key, where, f"unknown field {name!r}; expected one of {allowed}")
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
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"
                and node.value in ("true", "false")):
            raise self.fail(node, where, f"expected true or false, not in quotes; found {_as_written(node)}")
        return node.value == "true"


def _as_written(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    quote = node.style if node.style in ("'", '"') else ""
    return repr(f"{quote}{node.value}{quote}")
