"""Traces and results on disk: atomic writes, redaction, and loading back.

Layout of one audit's output folder::

    result.json                      the judgement (source of truth for reports)
    report.html
    traces/<journey-id>/trace.json   one recorded Run
    traces/<journey-id>/01-product-page.html / .jpg

Every write goes to a temporary file in the same folder and is renamed into
place, so a crash or Ctrl-C never leaves half a file. Every text written passes
through :class:`Redactor`, the last line of defence for secrets.
"""

from __future__ import annotations

import functools
import html
import html.entities
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from journeyaudit.history.split_secrets import mask_split
from journeyaudit.model import Result, Run, from_dict, to_dict

TRACE_FILE = "trace.json"
RESULT_FILE = "result.json"
REDACTED = "[redacted]"


# Between two characters of a secret: nothing, or up to three spaces or dashes, written plain or
# encoded (percent-encoded once or twice).
_SEPARATOR = (
    r"(?:[\s\-+]|%(?:25)?(?i:20|2d|a0)|&(?i:nbsp|dash|hyphen);|&#0*(?:32|45|160);|&#[xX]0*(?i:20|2d|a0);"
    r"|\\u00(?i:20|2d|a0)|\\x(?i:20|2d|a0)){0,3}"
)


def _char_forms(char: str) -> str:
    """A regex for one character as written (either case), percent- (once or twice), entity- or backslash-encoded."""
    forms = [f"(?i:{re.escape(char)})" if char.lower() != char.upper() else re.escape(char)]
    code = ord(char)
    forms.append("".join(f"%(?:25)?(?i:{byte:02x})" for byte in char.encode("utf-8")))
    forms.append(f"&#0*{code};|&#[xX]0*(?i:{code:x});")
    forms.extend(re.escape(f"&{name}") + ("" if name.endswith(";") else ";?") for name in _entity_names().get(char, ()))
    forms.append(rf"\\u(?i:{code:04x})")
    if code < 256:
        forms.append(rf"\\x(?i:{code:02x})")
    if char == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


@functools.cache
def _entity_names() -> dict[str, list[str]]:
    """HTML's named character references, by the character they stand for (``!`` -> ``excl;``)."""
    names: dict[str, list[str]] = {}
    for name, value in html.entities.html5.items():
        if len(value) == 1:
            names.setdefault(value, []).append(name)
    return names


# Put first in every stored HTML snapshot: a snapshot opened from disk runs no script
# (inline, external, event handler or javascript: URL), embeds nothing active and submits nowhere.
# Rules read the snapshot text (JSON-LD included) unchanged: load_run takes the line off again.
INERT_META = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'none\'; '
    "object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'; "
    "img-src * data:; style-src * 'unsafe-inline'; font-src * data:\">\n"
)
_DOCTYPE = re.compile(r"\A\s*<!doctype[^>]*>\s*", re.IGNORECASE)


def inert_html(html: str) -> str:
    """The snapshot with :data:`INERT_META` before anything that could run (after a doctype)."""
    doctype = _DOCTYPE.match(html)
    cut = doctype.end() if doctype else 0
    return html[:cut] + INERT_META + html[cut:]


def readable_html(stored: str) -> str:
    """The snapshot as the page gave it: :func:`inert_html` undone."""
    at = stored.find(INERT_META)
    return stored if at < 0 else stored[:at] + stored[at + len(INERT_META):]


_SCALARS = frozenset({int, float, bool, type(None)})  # JSON values that hold no text

# The query-string parameters masked by default (the profile's secret_params replaces the list).
DEFAULT_SECRET_PARAMS = ("token", "key", "secret", "password", "session", "auth", "sig")
# user:password@ in a URL: the password is masked wherever such a URL is written.
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/?#@\s:'\"<>]*:)[^/?#@\s'\"<>]+@")
# _USERINFO from its "://" on: a text without it has nothing to mask. Searched first, because a pattern
# starting with a word boundary is tried at every character of a page (28 of 51 ms loading the fixtures).
_USERINFO_TAIL = re.compile(r"://[^/?#@\s:'\"<>]*:[^/?#@\s'\"<>]+@")
# A parameter after ? & ; or # (``&amp;`` ends with ;). The character before the name is matched (group 1)
# and put back, not looked behind for: a pattern starting with a look-behind is tried at every character.
_PARAM = r"([?&;#])((?:[A-Za-z0-9_.~\[\]-]|%[0-9A-Fa-f]{2})+)=([^&#\s\"'<>\\]*)"


def _param_name_matcher(words: Iterable[str]):
    """A test of a parameter name: one of its parts (split at _ - . and camelCase) carries one of ``words``.

    A word of five letters or more may sit anywhere in a part (``csrftoken``, ``jsessionid``); a shorter
    one is the part, ends it (``apikey``, ``oauth``) or starts it before a usual ending (``signature``,
    ``authorization``, ``keys``), so ``keyword``, ``author`` and ``design`` stay readable.
    """
    words = [w.lower() for w in words if w]
    endings = ("s", "id", "nature", "natures", "orization", "entication", "code", "token", "hash")

    def matches(name: str) -> bool:
        name = re.sub(r"%[0-9A-Fa-f]{2}", "_", name)
        parts = re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", name)
        for part in (p.lower() for p in parts if p):
            for word in words:
                if len(word) >= 5 and word in part:
                    return True
                if part.endswith(word) or (part.startswith(word) and part[len(word):] in endings):
                    return True
        return False

    return matches


class Redactor:
    """Replaces secret values, in every form a page or a file may show them, in any text.

    A card number typed as ``4242 4242 4242 4242`` may come back from a shop as
    ``4242424242424242`` or ``4242-4242-4242-4242``; a password ``pa ss!`` as
    ``pa+ss%21`` in a query string, ``pa&#32;ss&excl;`` in HTML or ``pa ss\\u0021``
    in a script. Each character of a secret matches itself or any of its
    encodings (:func:`_char_forms`), and spaces or dashes (plain or encoded) may
    sit between any two of its characters.

    Whatever the secrets, the value of a query-string parameter named like a
    credential (``?access_token=...``, ``&X-Amz-Signature=...``: ``params``) and
    the password of a ``user:password@`` URL are masked too.
    """

    def __init__(self, secrets: Iterable[str] = (), params: Iterable[str] = DEFAULT_SECRET_PARAMS):
        self.secrets = tuple(sorted({s for s in secrets if s and len(s.strip()) >= 3}))  # for screenshot masks
        self.params = tuple(params)
        self._param_name = _param_name_matcher(params)
        self._params = re.compile(_PARAM) if any(params) else None
        patterns = []
        for secret in {s for s in secrets if s and len(s.strip()) >= 3}:
            compact = re.sub(r"[\s-]", "", secret) or secret
            spaced = _SEPARATOR.join(_char_forms(c) for c in compact)
            if compact.isdigit():
                # never part of a longer number (a CVC "123" must not eat the "123" of order KC-10123)
                spaced = rf"(?<!\d){spaced}(?!\d)"
            patterns.append((len(compact), spaced))
        patterns.sort(key=lambda item: item[0], reverse=True)
        # every form of every secret starts with its first character, %, & or a backslash: a cheap first test
        starts = "".join(sorted({re.escape(c) for c in self._firsts(secrets)} | {"%", "&", r"\\"}))
        self._pattern = re.compile(f"(?=[{starts}])(?:" + "|".join(p for _, p in patterns) + ")") if patterns else None

    @staticmethod
    def _firsts(secrets: Iterable[str]) -> set[str]:
        compacts = [re.sub(r"[\s-]", "", s) or s for s in secrets if s and len(s.strip()) >= 3]
        return {c[0] for c in compacts} | {c[0].swapcase() for c in compacts}

    def with_secret(self, secret: str) -> Redactor:
        """A redactor that also knows ``secret`` (one found while the journey ran)."""
        return Redactor([*self.secrets, secret], self.params)

    def __bool__(self) -> bool:
        return True  # credential parameters and URL passwords are masked even without secrets

    def text(self, value: str) -> str:
        if not value:
            return value
        if self._pattern is not None:
            value = self._pattern.sub(REDACTED, value)
            value = mask_split(value, self.secrets, REDACTED)
        if "@" in value and _USERINFO_TAIL.search(value):
            value = _USERINFO.sub(lambda m: m.group(1) + REDACTED + "@", value)
        if self._params is not None and "=" in value:
            value = self._params.sub(self._param, value)
        return value

    def _param(self, match: re.Match) -> str:
        before, name, value = match.groups()
        if not value or value == REDACTED or not self._param_name(name):
            return match.group(0)
        return f"{before}{name}={REDACTED}"

    def data(self, value: Any) -> Any:
        """Redact every string inside JSON-like data.

        Walked with exact type tests and no call for a number or a string that cannot hold a secret
        (a trace holds some 1,100 values: the walk was a third of loading it, after the patterns)."""
        text, secrets = self.text, self._pattern is not None

        def walk(value: Any) -> Any:
            kind = value.__class__
            if kind is str:
                return text(value) if secrets or "=" in value or "@" in value else value
            if kind is dict:
                return {key: item if item.__class__ in _SCALARS else walk(item) for key, item in value.items()}
            if kind is list:
                return [item if item.__class__ in _SCALARS else walk(item) for item in value]
            if isinstance(value, str):  # subclasses: not from json.loads, but data all the same
                return text(value)
            if isinstance(value, list):
                return [walk(item) for item in value]
            if isinstance(value, dict):
                return {key: walk(item) for key, item in value.items()}
            return value

        return walk(value)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder, then replace: readers never see half a file.

    The file keeps its mode when it exists, else gets 0644 (mkstemp's 0600 would hide a
    report from the web server or colleague that serves it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def step_file_stem(index: int, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "step"
    return f"{index:02d}-{slug}"


def save_run(run: Run, run_dir: Path, redactor: Redactor | None = None) -> Path:
    """Write a run's trace (and its HTML snapshots) into ``run_dir``; returns trace.json's path."""
    redactor = redactor or Redactor()
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    data = to_dict(run)
    for step, step_data in [*zip(run.steps, data["steps"]), *zip(run.rechecks, data.get("rechecks") or [])]:
        if step.html:
            name = step_file_stem(step.index, step.name) + ".html"
            atomic_write_text(run_dir / name, inert_html(redactor.text(step.html)))
            step_data["html_file"] = name
        step_data["html"] = ""
    return write_json(run_dir / TRACE_FILE, redactor.data(data))


class TraceUnreadable(ValueError):
    """A trace.json that is truncated, not JSON or not a journeyaudit trace (the CLI's exit code 2)."""


def load_run(run_dir: Path, redactor: Redactor | None = None) -> Run:
    """Read a run back, with its HTML snapshots, from a folder holding trace.json.

    A snapshot is read only from inside ``run_dir``: a trace cannot make us read
    (and put in a report) any other file on the machine.
    """
    run_dir = Path(run_dir)
    path = run_dir / TRACE_FILE
    redactor = redactor or Redactor()  # a trace written before a parameter was masked is masked now
    try:
        run = from_dict(Run, redactor.data(json.loads(path.read_text(encoding="utf-8"))))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TraceUnreadable(f"{path}: not a readable journeyaudit trace ({type(exc).__name__}: {exc})") from None
    root = run_dir.resolve()
    for step in [*run.steps, *run.rechecks]:
        if step.html_file and not step.html:
            html_path = _snapshot_path(run_dir, root, step.html_file)
            if html_path is not None:
                step.html = redactor.text(readable_html(html_path.read_text(encoding="utf-8")))
    return run


def _snapshot_path(run_dir: Path, root: Path, name: str) -> Path | None:
    """The snapshot file ``name`` when it is a file directly inside the run's folder (``root``: the folder
    resolved), else None: a name with a path in it or a symbolic link may not lead out of it.

    A plain name of a regular file (no link) is that file in ``root``, without resolving it (resolving
    every snapshot's path was a sixth of loading a trace); anything else is resolved and checked."""
    if "/" not in name and os.sep not in name and name not in (".", ".."):
        try:
            if stat.S_ISREG(os.lstat(run_dir / name).st_mode):
                return root / name
        except (OSError, ValueError):
            pass
    html_path = (run_dir / name).resolve()
    return html_path if html_path.parent == root and html_path.is_file() else None


def find_trace_dirs(root: Path) -> list[Path]:
    """Every folder at or below ``root`` holding a trace.json, sorted."""
    root = Path(root)
    if (root / TRACE_FILE).is_file():
        return [root]
    return sorted(path.parent for path in root.rglob(TRACE_FILE) if not _kept_attempt(path.parent))


def _kept_attempt(folder: Path) -> bool:
    """A failed attempt kept inside its journey's trace folder (traces/<journey>/attempt-1): evidence, not a journey."""
    return re.fullmatch(r"attempt-\d+", folder.name) is not None and (folder.parent / TRACE_FILE).is_file()


def save_result(result: Result, path: Path, redactor: Redactor | None = None) -> Path:
    """result.json; credential parameters and URL passwords masked (its texts came from redacted traces)."""
    return write_json(path, (redactor or Redactor()).data(to_dict(result)))


def load_result(path: Path) -> Result:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return from_dict(Result, data)
