"""The fix for a pasted one-line block: Terraform rejects a block written on one line with more
than one argument (`principals { type = "Service", identifiers = [...] }`, `variable "x" { type
= string default = "a" }`). parse.py reports it; this splits the block over lines, as `terraform
fmt` lays a block out: the header and its brace, one argument a line indented two spaces more
with the `=` aligned, the closing brace on a line of its own.

Only where that is unambiguous: the line is the block and nothing else (blanks and a trailing
comment after the closing brace are kept), every argument is `name = expression` with brackets
closed on the line, the block holds no nested block, no comment, no heredoc; else no fix is
offered. Arguments are split where a `name =` starts at the top level of the body (after a
blank or a comma); a comma between arguments is dropped; each expression is kept as written.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from . import lexer
from .fixes import Edit, Fix

_HEADER = re.compile(r'([ \t]*)[A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\\\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{')
_ARGUMENT = re.compile(r"[A-Za-z_][\w-]*[ \t]*=(?![=>])")
_OPEN, _CLOSE = "{[(", "}])"
_JUXTAPOSED = re.compile(r"[\w.]\s+[A-Za-z_0-9]")  # two operands with no operator between them
INDENT = "  "  # terraform fmt's


def split_fix(line_text: str, path: Path, line: int) -> Optional[Fix]:
    """The Fix that puts the arguments of the one-line block on line `line` (its text:
    `line_text`, without its ending) on lines of their own; None when that is not unambiguous."""
    header = _HEADER.match(line_text)
    if header is None:
        return None
    indent, brace = header.group(1), header.end() - 1
    tokens = list(lexer.tokens(line_text))
    if any(not t.closed or t.kind == "heredoc" for t in tokens):
        return None
    close = _closing(tokens, brace)
    if close is None:
        return None
    rest = line_text[close + 1:]
    if rest.strip() and not rest.lstrip().startswith(("#", "//")):
        return None  # something else follows the block on its line
    body = range(brace + 1, close)
    if any(t.kind == "comment" and t.start in body for t in tokens):
        return None
    arguments = _arguments(line_text, tokens, brace + 1, close)
    if arguments is None or len(arguments) < 2:
        return None
    inner = indent + ("\t" if "\t" in indent else INDENT)
    width = max(len(name) for name, _ in arguments)
    lines = [line_text[:brace].rstrip() + " {", *(f"{inner}{name:<{width}} = {value}" for name, value in arguments)]
    lines.append(indent + "}" + rest)
    description = f"put the {len(arguments)} arguments of the one-line block on lines of their own"
    edit = Edit(path, line, 1, line, len(line_text) + 1, "\n".join(lines), line_text)
    return Fix(description, (edit,))


def _closing(tokens: list, brace: int) -> Optional[int]:
    """The offset of the `}` that closes the brace at `brace`, on the same line; None if none."""
    depth = 0
    for token in tokens:
        if token.start < brace or token.kind not in _OPEN + _CLOSE:
            continue
        depth += 1 if token.kind in _OPEN else -1
        if depth == 0:
            return token.start if token.kind == "}" else None
    return None


def _arguments(text: str, tokens: list, start: int, end: int) -> Optional[list[tuple[str, str]]]:
    """The arguments of the body text[start:end], (name, expression as written); None when
    the body is not a list of `name = expression`."""
    nested = []  # (start, end) of the strings and bracketed spans inside the body
    depth, opened = 0, 0
    for token in tokens:
        if not start <= token.start < end:
            continue
        if token.kind == "string" and depth == 0:
            nested.append((token.start, token.end))
        elif token.kind in _OPEN:
            if depth == 0:
                opened = token.start
            depth += 1
        elif token.kind in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                nested.append((opened, token.start + 1))
    if depth:
        return None
    starts = []
    for match in _ARGUMENT.finditer(text, start, end):
        at = match.start()
        if any(a <= at < b for a, b in nested):
            continue
        before = text[start:at].rstrip(" \t")
        if before and not before.endswith(",") and text[at - 1] not in " \t":
            continue  # `var.x.b =` is not a new argument
        starts.append(at)
    body = text[start:end]
    if not starts or body[: starts[0] - start].strip():
        return None  # the body does not start with an argument (a nested block)
    arguments = []
    for at, after in zip(starts, [*starts[1:], end]):
        argument = text[at:after].rstrip(" \t")
        if argument.endswith(","):
            argument = argument[:-1].rstrip(" \t")
        name, value = (part.strip() for part in argument.split("=", 1))
        shape = _outside(argument, at, nested).split("=", 1)[1]
        if not value or "=" in shape or _JUXTAPOSED.search(shape):
            return None  # not one expression: `a = b = 1`, `for_each = [1] content {}`
        arguments.append((name, value))
    return arguments


def _outside(argument: str, at: int, nested: list) -> str:
    """`argument` (at offset `at`) with each string and bracketed span written as `0`s: its
    shape at the top level, where only operators may stand between two operands."""
    chars = list(argument)
    for a, b in nested:
        for i in range(max(a - at, 0), min(b - at, len(chars))):
            chars[i] = "0"
    return "".join(chars)
