"""IAM policy documents in every form Terraform users write them, as located statements."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional

from .. import observations
from ..functions import MAX_READ_BYTES, FileText
from ..knowledge import table
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
    not_resources: list = field(default_factory=list)
    # [(kind, value, Location)]: kind "Service", "AWS", "Federated", "CanonicalUser", "*" (the
    # `"Principal": "*"` form), or "?" when the principal itself is unknown; value a str or Unknown
    principals: list = field(default_factory=list)
    not_principals: list = field(default_factory=list)

    def names_action(self, action: str) -> Optional[bool]:
        """Does the statement apply to `action` (`sts:AssumeRole`): an `Action` entry that matches
        it (IAM's `*` and `?` wildcards, in any case), or a `NotAction` that does not list it?
        None when an entry that could decide it is unknown."""
        if self.not_actions:
            listed = _any_action_matches(self.not_actions, action)
            return None if listed is None else not listed
        return _any_action_matches(self.actions, action)

    def reach(self, service: str) -> Optional[Reach]:
        """How far the statement's resources reach for an action of `service` (`s3`) when they
        are every resource the action may act on: `Resource "*"`, an ARN that is a wildcard in
        effect (`arn:aws:logs:*:*:*`, `arn:aws:s3:::*/*`), or a `NotResource` (every resource but
        the ones listed). None when they are narrower, unknown, or cannot be told."""
        for resource, _ in self.resources:
            if isinstance(resource, str) and resource.strip() == "*":
                return Reach('Resource "*"', None, True)
        for resource, _ in self.resources:
            covers = _wildcard_arn(resource, service)
            if covers is not None:
                return Reach(f'Resource "{resource}" ({covers[0]})', covers[1], False)
        excluded = [r for r, _ in self.not_resources]
        if excluded and not any(_excludes_a_type(r, service) for r in excluded):
            listed = ", ".join(f'"{r}"' for r in excluded)
            return Reach(f"every resource except its NotResource {listed}", None, True)
        return None


@dataclass(frozen=True)
class Reach:
    """Every resource an action may act on (`statement.reach(service)`)."""

    named: str  # how a message names the resources: `Resource "*"`, `Resource "arn:aws:s3:::*/*" (every object ...)`
    actions: Optional[frozenset]  # the action names (lower case, no service) it reaches every resource of; None: all
    star: bool  # does it grant actions that only work on Resource "*" too?


def _any_action_matches(entries: list, action: str) -> Optional[bool]:
    unknown = False
    for value, _ in entries:
        if not isinstance(value, str) or isinstance(value, Unknown):
            unknown = True
            continue
        pattern = re.escape(value.strip().lower()).replace(r"\*", ".*").replace(r"\?", ".")
        if re.fullmatch(pattern, action.lower()):
            return True
    return None if unknown else False


def _excludes_a_type(resource: Any, service: str) -> bool:
    """Could a NotResource entry leave out every resource of a type the action acts on, in some
    account (AWS's MWAA policy for an AWS owned key: `NotResource "arn:aws:kms:*:ACCOUNT:key/*"`,
    so that only keys outside the account are granted)? Unknown entries could."""
    if not isinstance(resource, str):
        return True
    text = resource.strip()
    fields = text.split(":", 5)
    if text == "*" or _wildcard_arn(text, service) is not None:
        return True
    if len(fields) != 6 or fields[2].lower() not in (service.lower(), "*"):
        return False
    rest = fields[5]
    # a resource type, then `*`: `key/*`, `secret:*` (an S3 ARN starts with a bucket's name instead)
    return set(rest) == {"*"} or (fields[2].lower() != "s3" and re.fullmatch(r"[A-Za-z][A-Za-z-]*[:/]\*", rest) is not None)


def _wildcard_arn(resource: Any, service: str) -> Optional[tuple[str, Optional[frozenset]]]:
    """(what it matches, the actions of `service` it matches every resource of, None for all)
    when `resource` is an ARN that is a wildcard in effect for `service` (iam_wildcard_resources)."""
    if not isinstance(resource, str):
        return None
    fields = resource.strip().split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or fields[2].lower() not in (service.lower(), "*"):
        return None
    region, account, rest = fields[3], fields[4], fields[5]
    if region not in ("", "*") or account not in ("", "*") or not rest:
        return None
    if set(rest) == {"*"}:
        return f"every {service.lower()} resource", None
    for row in table("iam_wildcard_resources")["type_wildcards"]:
        if row["service"] == fields[2].lower() and row["resource"] == rest:
            actions = row["actions"]
            return row["covers"], (frozenset(a.lower() for a in actions) if actions is not None else None)
    return None


@dataclass
class PolicyDocument:
    statements: list = field(default_factory=list)
    unread: int = 0  # statements that could not be read (unknown): a verdict on the whole needs none


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
    if not isinstance(data, dict):
        return [Unknown()]
    statements = _as_list(data.get("Statement", []))
    if isinstance(doc, LocatedStr) and doc.loc is not None:
        # JSON text (a plan's planned value, a variable): its statements are where the text is
        statements = [{"__loc__": doc.loc, **s} if isinstance(s, dict) and "__loc__" not in s else s
                      for s in statements]
    return statements


def _statement(ev, block, instance) -> Any:
    if block.unknown:
        return Unknown()  # a dynamic statement block we cannot expand
    statement: dict = {"Effect": _eval(ev, block, "effect", instance) or LocatedStr("Allow", block.loc)}
    for attr, key in (("sid", "Sid"), ("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        if block.attr(attr) is not None:
            statement[key] = ev.value(block.attr(attr).expr, instance)
    for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = ev.children(block, kind, instance)
        if blocks:
            statement[key] = _principal_blocks(ev, blocks, instance)
    statement["__loc__"] = block.loc
    return statement


def _principal_blocks(ev, blocks: list, instance) -> Any:
    """`principals { type = "Service" identifiers = [...] }` blocks as the JSON `Principal` map
    (Unknown when a block or its type cannot be told)."""
    principal: dict = {}
    for block in blocks:
        kind = _eval(ev, block, "type", instance)
        identifiers = _eval(ev, block, "identifiers", instance)
        if block.unknown or not isinstance(kind, str) or isinstance(kind, Unknown):
            return Unknown()
        principal.setdefault(str(kind), []).extend(_as_list(identifiers))
    return principal


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
        finder = _TextFinder(written_at.path, None, written_at.line, written_at.column)
    return _document(data, finder)


def _document(data: Any, finder: Optional[_TextFinder]) -> Optional[PolicyDocument]:
    if not isinstance(data, dict):
        return None
    doc = PolicyDocument()
    for raw in _as_list(data.get("Statement", [])):
        if not isinstance(raw, dict):
            doc.unread += 1  # an unknown statement: nothing to judge in it
            continue
        loc = raw.get("__loc__") or _first_loc(raw) or (finder.fallback() if finder else None)
        doc.statements.append(
            Statement(
                effect=raw.get("Effect", Unknown()),
                actions=_located(raw.get("Action"), finder, loc),
                not_actions=_located(raw.get("NotAction"), finder, loc),
                resources=_located(raw.get("Resource"), finder, loc),
                loc=loc,
                not_resources=_located(raw.get("NotResource"), finder, loc),
                principals=_principals(raw.get("Principal"), finder, loc),
                not_principals=_principals(raw.get("NotPrincipal"), finder, loc),
            )
        )
    return doc


def _principals(value: Any, finder: Optional[_TextFinder], loc: Optional[Location]) -> list:
    """[(kind, value, Location)] of a `Principal` (`"*"`, or a map of kind to one or more values)."""
    if value is None:
        return []
    if isinstance(value, str) and not isinstance(value, Unknown):
        return [("*" if value.strip() == "*" else "?", item, where) for item, where in _located(value, finder, loc)]
    if not isinstance(value, dict):
        return [("?", Unknown(), loc)]
    return [(str(kind), item, where) for kind, items in value.items() for item, where in _located(items, finder, loc)]


def table_document(statements: list, loc: Location) -> PolicyDocument:
    """A document from a knowledge table's rows (`{"actions": [...], "resources": [...]}`, all
    Allow), each part located at `loc`: where the policy is attached."""
    def at(values: list) -> list:
        return [(value, loc) for value in values]

    return PolicyDocument([Statement("Allow", at(row.get("actions", [])), at(row.get("not_actions", [])),
                                     at(row.get("resources", [])), loc, at(row.get("not_resources", [])))
                           for row in statements])


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
        if _HOLE not in data:
            return data
        # "logs.${region}.amazonaws.com": unknown, but what is written around the hole is known
        pieces = data.split(_HOLE)
        parts: list = []
        for index, piece in enumerate(pieces):
            if index:
                parts.append(Unknown())
            if piece:
                parts.append(piece)
        return PartialString(tuple(parts))
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

    def __init__(self, path: Path, text: Optional[str], first_line: int, first_column: int = 1):
        self.path = path
        self.first_line = first_line
        self.first_column = first_column  # where the text starts on its first line
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
        # as written, or as JSON text inside a string (`"{\"Action\":...}"`: a plan's planned value)
        return self._find(needle) or self._find(json.dumps(needle)[1:-1])

    def _find(self, needle: str) -> Optional[Location]:
        start_line, start_col = self.cursor.get(needle, (0, self.first_column - 1))
        for index in range(start_line, len(self.lines)):
            column = self.lines[index].find(needle, start_col if index == start_line else 0)
            if column >= 0:
                self.cursor[needle] = (index, column + 1)
                line = self.first_line + index
                return Location(self.path, line, column + 1, line, column + 1 + len(needle))
        return None

    def fallback(self) -> Location:
        return Location(self.path, self.first_line, 1, self.first_line, 1)


class Grants(NamedTuple):
    """Whom a policy's statements let perform one action (`grants`)."""

    allowed: list  # [(kind, value, Location)]: the principals of the Allow statements that name it
    denied: list  # the same, of the Deny statements
    complete: bool  # every statement, effect, action and principal is known, and none is a NotPrincipal
    statements_known: bool  # the same but for the principals' values: which statements apply is known


def grants(document: PolicyDocument, action: str) -> Grants:
    """The principals `document` allows and denies `action` (a resource policy: a trust
    policy, a key policy). Conditions are not read: a statement with one still counts."""
    allowed: list = []
    denied: list = []
    known = document.unread == 0
    values_known = True
    for statement in document.statements:
        names = statement.names_action(action)
        effect = statement.effect
        if names is None or not isinstance(effect, str) or isinstance(effect, Unknown) or statement.not_principals:
            known = False
            continue
        if names:
            values_known = values_known and all(kind != "?" and not isinstance(value, Unknown)
                                                for kind, value, _ in statement.principals)
            (allowed if effect == "Allow" else denied).extend(statement.principals)
    return Grants(allowed, denied, known and values_known, known)
