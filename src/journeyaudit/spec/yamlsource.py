"""Load YAML the way a reviewer reads it: with line numbers, strictly, and with ``${ENV}``.

:func:`parse` turns YAML text into plain Python data (dicts, lists, scalars) and a
:class:`Document` that remembers where every key and value came from, so that any
later check (pydantic, globs, rule names) can report ``file:line:col: message``.

* Built on ``yaml.SafeLoader``: its composer gives the node tree with marks, its
  constructor turns scalar nodes into Python values; this module walks mappings
  and sequences itself.
* A duplicate mapping key is an error ("duplicate key 'name' (first defined at line 3)"),
  not a silent overwrite. Merge keys (``<<: *defaults``) keep YAML's override semantics.
* ``${NAME}`` and ``${NAME:-default}`` in string values are replaced from an env
  mapping (the default also applies when the variable is empty, as in a shell);
  ``$${`` writes a literal ``${``. An unset variable without a default is an error
  at that string.
* A YAML syntax error becomes one located error (line and column of the problem).
* A number is kept as written: YAML 1.1 reads ``01067`` as 567, ``12:30`` as 750,
  ``1.10`` as 1.1 and ``0x12`` as 18. Such a scalar is still a number, but its
  ``str()`` is the text in the file (:class:`WrittenInt`, :class:`WrittenFloat`),
  so a text field (``fill: {value: 01067}``) types ``01067``: never a silent change.
* Inputs are bounded: a file over :data:`MAX_FILE_BYTES`, a list over
  :data:`MAX_ITEMS` items (steps included) or more than :data:`MAX_VALUES`
  values once aliases are expanded (an alias bomb) is one located error, found
  before it costs memory. A byte that is not UTF-8 is reported at its line and column.

Positions are 1-based. Paths are tuples of mapping keys and list indices:
``("steps", 2, "actions", 0, "click")``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class LocatedError:
    """One problem in one file, at a 1-based line and column (0 when not in a file's text)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line > 0:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)


class ValidationFailed(Exception):
    """Every problem found (sorted by file, line, column); ``str()`` gives one per line."""

    def __init__(self, errors: Iterable[LocatedError]):
        self.errors: list[LocatedError] = sort_errors(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def sort_errors(errors: Iterable[LocatedError]) -> list[LocatedError]:
    """Sorted by position, exact repeats dropped."""
    return sorted(set(errors), key=LocatedError.sort_key)


@dataclass
class Document:
    """Parsed YAML plus where each piece of it came from."""

    file: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # path -> start of its value
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # path -> start of the key naming it
    errors: list[LocatedError] = field(default_factory=list)  # duplicate keys, unset variables, ...
    syntax_error: bool = False  # True when the text is not YAML at all (``data`` is None)
    env_values: set[str] = field(default_factory=set)  # what ${NAME} put in (request headers: secrets)

    def position(self, path: Iterable[Any], *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` (its key when ``key``), or of its longest known prefix."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def error(self, path: Iterable[Any], message: str, *, key: bool = False) -> LocatedError:
        line, column = self.position(path, key=key)
        return LocatedError(self.file, line, column, message)

    def has(self, path: Iterable[Any]) -> bool:
        return tuple(path) in self.values


# --------------------------------------------------------------------------
# ${NAME} interpolation
# --------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\$\{|\$\{product\.[A-Za-z0-9_]*\}|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")


def interpolate(text: str, env: Mapping[str, str], used: set[str] | None = None) -> tuple[str, list[str]]:
    """Replace ``${NAME}``/``${NAME:-default}``; returns the text and problem messages.

    An unset variable (without a default) is left as written in the text, so that
    later checks do not pile up confusing follow-on errors.
    """
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole.startswith("${product."):  # a crawled product's field: a for_each journey fills it (spec/for_each.py)
            return whole
        name, default = match.group(1), match.group(2)
        if name is None:
            token = re.match(r"\S{0,40}", text[match.start():]).group(0)  # the reference, not the whole value
            problems.append(
                f"malformed variable reference {token!r}: write ${{NAME}} or ${{NAME:-default}}, "
                "or $${ for a literal ${"
            )
            return whole
        value = env.get(name)
        if value is None or (value == "" and default is not None):
            if default is not None:
                return default
            problems.append(f"environment variable {name} is not set")
            return whole
        if used is not None:
            used.add(value)
        return value

    return _VARIABLE.sub(replace, text), problems


# --------------------------------------------------------------------------
# Numbers as written
# --------------------------------------------------------------------------


class WrittenInt(int):
    """An integer whose ``str()`` is its text in the YAML file (``01067``, ``12:30``, ``0x12``)."""

    written: str

    def __new__(cls, value: int, written: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __str__(self) -> str:
        return self.written

    def __format__(self, spec: str) -> str:
        return self.written if not spec else int.__format__(self, spec)


class WrittenFloat(float):
    """A float whose ``str()`` is its text in the YAML file (``1.10``, ``1e3``)."""

    written: str

    def __new__(cls, value: float, written: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __str__(self) -> str:
        return self.written

    def __format__(self, spec: str) -> str:
        return self.written if not spec else float.__format__(self, spec)


def as_written(node: ScalarNode, value: Any) -> Any:
    """A plain number whose usual text differs from the file's keeps the file's text."""
    if node.style or type(value) not in (int, float) or str(value) == node.value:
        return value
    return (WrittenInt if type(value) is int else WrittenFloat)(value, node.value)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

_MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_FILE_BYTES = 1_000_000  # the largest real profile or journey is a few kB
MAX_ITEMS = 500  # items in one list: steps of a journey, actions of a step, journeys of a profile
MAX_VALUES = 50_000  # values walked, aliases expanded: a 420-byte alias bomb expands to billions


class _TooBig(Exception):
    """Stops the walk at the first value over a limit (an alias bomb would never finish)."""

    def __init__(self, node: Node, message: str):
        super().__init__(message)
        self.node, self.message = node, message


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, doc: Document, env: Mapping[str, str]):
        self.loader = loader
        self.doc = doc
        self.env = env
        self.active: set[int] = set()  # nodes being walked: guards against recursive aliases
        self.count = 0  # values walked so far, every alias expansion counted

    @staticmethod
    def _mark(node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _error(self, node: Node, message: str) -> None:
        line, column = self._mark(node)
        self.doc.errors.append(LocatedError(self.doc.file, line, column, message))

    def walk(self, node: Node, path: Path_, record: bool = True) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            where = ".".join(str(part) for part in path[:3])
            raise _TooBig(node, f"more than {MAX_VALUES} values once YAML aliases are expanded, at {where} (an alias bomb?)")
        if isinstance(node, SequenceNode) and len(node.value) > MAX_ITEMS:
            name = f"{path[-1]!r}" if path and isinstance(path[-1], str) else "a list"
            raise _TooBig(node, f"{name} has {len(node.value)} items: at most {MAX_ITEMS} are allowed")
        if record:
            self.doc.values.setdefault(path, self._mark(node))
        if id(node) in self.active:
            self._error(node, "recursive YAML alias")
            return None
        if isinstance(node, ScalarNode):
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, str):
                value, problems = interpolate(value, self.env, self.doc.env_values)
                for problem in problems:
                    self._error(node, problem)
                return value
            return as_written(node, value)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, path + (index,), record) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path, record)
            return self.loader.construct_object(node, deep=True)  # pragma: no cover (no other node kinds)
        finally:
            self.active.discard(id(node))

    def _key(self, node: Node) -> tuple[bool, Any]:
        if not isinstance(node, ScalarNode):
            self._error(node, "a mapping key must be a plain value, not a list or mapping")
            return False, None
        return True, self.loader.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode, path: Path_, record: bool, merging: bool = False) -> dict[Any, Any]:
        merged: dict[Any, Any] = {}
        own: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        self._error(source, "'<<' merges mappings only")
                        continue
                    # Merged keys are recorded at the anchor's position unless overridden below.
                    for merged_key, merged_value in self._mapping(source, path, record, merging=True).items():
                        merged.setdefault(merged_key, merged_value)
                continue
            ok, key = self._key(key_node)
            if not ok:
                continue
            try:
                hash(key)
            except TypeError:  # pragma: no cover (scalars are hashable)
                self._error(key_node, "a mapping key must be a plain value")
                continue
            if key in first_seen:
                self._error(key_node, f"duplicate key {key!r} (first defined at line {first_seen[key]})")
                continue
            first_seen[key] = key_node.start_mark.line + 1
            if record and merging:
                self.doc.keys.setdefault(path + (key,), self._mark(key_node))
                self.doc.values.setdefault(path + (key,), self._mark(value_node))
            elif record:
                self.doc.keys[path + (key,)] = self._mark(key_node)
                self.doc.values[path + (key,)] = self._mark(value_node)
            own[key] = self.walk(value_node, path + (key,), record)
        return {**merged, **own}


def parse(text: str, file: str, env: Mapping[str, str] | None = None) -> Document:
    """Parse YAML text. Never raises for bad input: problems are in ``Document.errors``."""
    env = os.environ if env is None else env
    doc = Document(file=file)
    if len(text) > MAX_FILE_BYTES:
        doc.syntax_error = True
        doc.errors.append(LocatedError(file, 0, 0, f"file too large ({len(text)} characters): at most {MAX_FILE_BYTES} are read"))
        return doc
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        doc.syntax_error = True
        doc.errors.append(_reader_error(file, text, exc))
        return doc
    try:
        node = loader.get_single_node()
        if node is None:
            doc.data = None
            doc.values[()] = (1, 1)
            return doc
        doc.data = _Walker(loader, doc, env).walk(node, ())
    except yaml.MarkedYAMLError as exc:
        doc.data = None
        doc.syntax_error = True
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.errors.append(LocatedError(file, line, column, _syntax_message(exc)))
    except _TooBig as exc:
        doc.data = None
        doc.syntax_error = True
        line, column = exc.node.start_mark.line + 1, exc.node.start_mark.column + 1
        doc.errors.append(LocatedError(file, line, column, exc.message))
    except yaml.reader.ReaderError as exc:
        doc.data = None
        doc.syntax_error = True
        doc.errors.append(_reader_error(file, text, exc))
    except RecursionError:
        doc.data = None
        doc.syntax_error = True
        doc.errors.append(LocatedError(file, 1, 1, "invalid YAML: lists or mappings nested too deeply"))
    except yaml.YAMLError as exc:  # pragma: no cover (every other YAML error carries a mark)
        doc.data = None
        doc.syntax_error = True
        doc.errors.append(LocatedError(file, 1, 1, f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    return doc


def _line_column(text: str, position: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def _reader_error(file: str, text: str, exc: yaml.reader.ReaderError) -> LocatedError:
    """A character YAML does not accept (a NUL, an escape), at its line and column."""
    line, column = _line_column(text, exc.position)
    return LocatedError(file, line, column, f"invalid YAML: character U+{exc.character:04X} is not allowed ({exc.reason})")


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "syntax error").strip()
    message = f"invalid YAML: {problem}"
    if exc.context:
        context = exc.context.strip()
        if exc.context_mark is not None and exc.context_mark is not exc.problem_mark:
            context += f" at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += f" ({context})"
    return message


def load(path: str | Path, env: Mapping[str, str] | None = None) -> Document:
    """Read and parse a file; an unreadable file is a (line 0) error in the document."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return Document(file=file, errors=[LocatedError(file, 0, 0, "file not found")], syntax_error=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Document(file=file, errors=[LocatedError(file, 0, 0, f"cannot read file: {reason}")], syntax_error=True)
    if len(data) > MAX_FILE_BYTES:
        return Document(file=file, syntax_error=True, errors=[
            LocatedError(file, 0, 0, f"file too large (over {MAX_FILE_BYTES} bytes): journeyaudit reads at most {MAX_FILE_BYTES}")
        ])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line, column = _line_column(good, len(good))
        message = f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be read (save the file as UTF-8)"
        return Document(file=file, errors=[LocatedError(file, line, column, message)], syntax_error=True)
    return parse(text, file, env)
