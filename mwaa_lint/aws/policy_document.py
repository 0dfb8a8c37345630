"""IAM policy documents in every form Terraform users write them, as located statements."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .. import observations
from ..functions import MAX_READ_BYTES, FileText
from ..model import Location
from ..observations import note
from ..values import JsonDocument, LocatedStr, PartialFileText, PartialString, RenderedText, Unknown

# stands in for a `${...}` we cannot evaluate; printable, because JSON strings forbid control characters
_HOLE = "@@mwaa-lint-unknown@@"


@dataclass
class Statement:
    effect: Any  # "Allow", "Deny" or Unknown
    actions: list  # [(value, Location)] — value is a str or Unknown
    not_actions: list
    resources: list
    # where the statement is written (fallback for its parts); None for a statement of a document
    # passed as a value (jsonencode(), a data source) with no located string in it
    loc: Optional[Location]


@dataclass
class PolicyDocument:
    statements: list = field(default_factory=list)


def policy_document_data(ev, instance) -> JsonDocument:
    """The `json` output of `data "aws_iam_policy_document"`, with located strings.

    As the provider merges them: source documents first, then this document's statements,
    then override documents; a later statement replaces an earlier one with the same `Sid`.
    """
    statements: list = []
    for doc in _as_list(ev.attr(instance, "source_policy_documents", [])):
        _merge(statements, _document_statements(doc))
    _merge(statements, [_statement(ev, block, instance) for block in ev.children(instance.block, "statement", instance)])
    for doc in _as_list(ev.attr(instance, "override_policy_documents", [])):
        _merge(statements, _document_statements(doc))
    return JsonDocument({"Version": "2012-10-17", "Statement": statements})


def _document_statements(doc: Any) -> list:
    data = doc.data if isinstance(doc, JsonDocument) else _loads(doc)
    return _as_list(data.get("Statement", [])) if isinstance(data, dict) else [Unknown()]


def _statement(ev, block, instance) -> Any:
    if block.unknown:
        return Unknown()  # a dynamic statement block we cannot expand
    statement: dict = {"Effect": _eval(ev, block, "effect", instance) or LocatedStr("Allow", block.loc)}
    for attr, key in (("sid", "Sid"), ("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        if block.attr(attr) is not None:
            statement[key] = ev.value(block.attr(attr).expr, instance)
    statement["__loc__"] = block.loc
    return statement


def _merge(statements: list, new: list) -> None:
    """Append `new`, each replacing an earlier statement with the same Sid."""
    for statement in new:
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        same = [i for i, old in enumerate(statements) if isinstance(sid, str) and sid and isinstance(old, dict)
                and old.get("Sid") == sid]
        if same:
            statements[same[0]] = statement
        else:
            statements.append(statement)


def _eval(ev, block, name: str, instance) -> Any:
    attribute = block.attr(name)
    return ev.value(attribute.expr, instance) if attribute is not None else None


def parse_policy(value: Any, written_at: Location) -> Optional[PolicyDocument]:
    """Statements of a policy value; None when the document itself is unknown.

    `written_at` is the attribute holding the policy: JSON text written in a heredoc is
    searched there for each action's line; text from `file()` is searched in that file.
    """
    if isinstance(value, JsonDocument):
        return _document(value.data, None)
    if isinstance(value, PartialString):
        # a heredoc with `${aws_s3_bucket.x.arn}` inside: the rest of the JSON is still known
        text = "".join(p if isinstance(p, str) else _HOLE for p in value.parts)
        data = _fill_holes(_loads(text))
    elif isinstance(value, Unknown) or not isinstance(value, str):
        return None
    else:
        data = _loads(value)
    if not isinstance(data, dict):
        return None
    if isinstance(value, FileText):
        finder = _TextFinder(value.source, str(value), 1)
    elif isinstance(value, (PartialFileText, RenderedText)):
        finder = _TextFinder(value.source, None, 1)  # a templatefile(): search the template
    else:
        finder = _TextFinder(written_at.path, None, written_at.line)
    return _document(data, finder)


def _document(data: Any, finder: Optional[_TextFinder]) -> Optional[PolicyDocument]:
    if not isinstance(data, dict):
        return None
    doc = PolicyDocument()
    for raw in _as_list(data.get("Statement", [])):
        if not isinstance(raw, dict):
            continue  # an unknown statement: nothing to judge in it
        loc = raw.get("__loc__") or _first_loc(raw) or (finder.fallback() if finder else None)
        doc.statements.append(
            Statement(
                effect=raw.get("Effect", Unknown()),
                actions=_located(raw.get("Action"), finder, loc),
                not_actions=_located(raw.get("NotAction"), finder, loc),
                resources=_located(raw.get("Resource"), finder, loc),
                loc=loc,
            )
        )
    return doc


def _located(value: Any, finder: Optional[_TextFinder], fallback: Optional[Location]) -> list[tuple[Any, Optional[Location]]]:
    """[(value, where it is written)]: each value a str, a LocatedStr or Unknown."""
    if value is None:
        return []
    out: list[tuple[Any, Optional[Location]]] = []
    for item in _as_list(value):
        if isinstance(item, LocatedStr) and item.loc is not None:
            out.append((item, item.loc))
        elif isinstance(item, str) and finder is not None:
            out.append((item, finder.find(item) or fallback))
        else:
            out.append((item, fallback))
    return out


def _fill_holes(data: Any) -> Any:
    if isinstance(data, str):
        return Unknown() if _HOLE in data else data
    if isinstance(data, list):
        return [_fill_holes(v) for v in data]
    if isinstance(data, dict):
        return {k: _fill_holes(v) for k, v in data.items()}
    return data


def _first_loc(raw: dict) -> Optional[Location]:
    for value in raw.values():
        for item in _as_list(value):
            if isinstance(item, LocatedStr) and item.loc is not None:
                return item.loc
    return None


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return [value]


def _loads(text: Any) -> Any:
    try:
        return json.loads(str(text))
    except (TypeError, ValueError):
        return None


class _TextFinder:
    """Finds the line of each JSON string in the text a policy was written in, in order."""

    def __init__(self, path: Path, text: Optional[str], first_line: int):
        self.path = path
        self.first_line = first_line
        if text is None:
            try:
                text = observations.read_text(path, limit=MAX_READ_BYTES)  # a file() or templatefile() read before
            except (OSError, UnicodeDecodeError):
                note("read", path)
                text = ""
            self.lines = text.splitlines()[first_line - 1 :]
        else:
            self.lines = text.splitlines()
        self.cursor: dict = {}  # needle → (line index, column) after the last match

    def find(self, value: str) -> Optional[Location]:
        needle = json.dumps(value)
        start_line, start_col = self.cursor.get(needle, (0, 0))
        for index in range(start_line, len(self.lines)):
            column = self.lines[index].find(needle, start_col if index == start_line else 0)
            if column >= 0:
                self.cursor[needle] = (index, column + 1)
                line = self.first_line + index
                return Location(self.path, line, column + 1, line, column + 1 + len(needle))
        return None

    def fallback(self) -> Location:
        return Location(self.path, self.first_line, 1, self.first_line, 1)
