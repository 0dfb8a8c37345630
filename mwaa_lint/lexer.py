"""Where the comments are, without parsing: a small lexer for HCL, Terraform JSON and requirements files.

A suppression counts only inside a real comment (suppress.py), never inside a string, a heredoc
or a template. What is a string is what the parser reads as one, so the HCL walk follows the
grammar of python-hcl2 (hcl2.lark):
- a quoted string may run across lines; `\\` escapes the next character; `${` and `%{` open a
  template expression, which may hold strings and braces of its own, up to its `}`; `$${...}`
  and `%%{...}` are literal text up to the first `}`;
- a heredoc (`<<EOF` or `<<-EOF` ending its line) runs to the first line holding only its
  marker, after blanks;
- `#` and `//` comment to the end of the line, `/*` to the first `*/`.
parse.py's error messages use the same walk for the brackets, strings and heredocs of a file
that did not parse. Each step jumps ahead with a regular expression that cannot backtrack far,
so even a 10 MB file is one linear pass.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]  # undocumented: typeshed leaves it out
from typing import NamedTuple

# (text, offset just past the opening quote, strict) → (the string, offset just past its closing quote); ValueError if not JSON
scanstring: Callable[[str, int, bool], tuple[str, int]] = _scanstring


class Token(NamedTuple):
    kind: str  # "comment", "string", "heredoc", or a bracket: "{" "}" "[" "]" "(" ")"
    start: int  # offsets into the text; end is exclusive
    end: int
    closed: bool = True  # False: a string, heredoc or /* comment still open where the text ends


class Comment(NamedTuple):
    start: int  # where the comment token starts (for Terraform JSON, the "//" key)
    end: int
    text: str  # its text, delimiters included (for Terraform JSON, the value of the "//" key)


# Outside strings: what starts a token that matters. A heredoc marker must end its line.
_CODE = re.compile(r'"|#|//|/\*|<<-?[A-Za-z][A-Za-z0-9._-]*\r?\n|[{}\[\]()]')
_IN_STRING = re.compile(r'"|\\|\$\$\{|%%\{|[$%]\{')
_IN_TEMPLATE = re.compile(r'["{}]')


def tokens(text: str) -> Iterator[Token]:
    """The comments, quoted strings, heredocs and brackets of HCL text, in order. A bracket inside
    a string's template expression belongs to the string."""
    pos = 0
    while True:
        match = _CODE.search(text, pos)
        if match is None:
            return
        token, start = match.group(), match.start()
        if token == '"':
            end, closed = _string_end(text, match.end())
            yield Token("string", start, end, closed)
        elif token in ("#", "//"):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            yield Token("comment", start, end)
        elif token == "/*":
            close = text.find("*/", match.end())
            end = len(text) if close < 0 else close + 2
            yield Token("comment", start, end, close >= 0)
        elif token[0] == "<":
            closing = _heredoc_close(heredoc_marker(token)).search(text, match.end())
            end = len(text) if closing is None else closing.end()
            yield Token("heredoc", start, end, closing is not None)
        else:
            end = match.end()
            yield Token(token, start, end)
        pos = end


def heredoc_marker(opening: str) -> str:
    """`<<-EOF` (to the end of its line) → `EOF`."""
    return opening.lstrip("<-").rstrip()


def _heredoc_close(marker: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*{re.escape(marker)}\r?$", re.M)


def _string_end(text: str, pos: int) -> tuple[int, bool]:
    """(the offset just past the quote closing a string opened before `pos`, closed?)."""
    stack: list = [None]  # None: the literal text of a string; an int: a template expression's open braces
    while stack:
        in_string = stack[-1] is None
        match = (_IN_STRING if in_string else _IN_TEMPLATE).search(text, pos)
        if match is None:
            return len(text), False
        token, pos = match.group(), match.end()
        if token == '"':
            if in_string:
                stack.pop()
            else:
                stack.append(None)  # a string inside a template expression
        elif token == "\\":
            pos += 1
        elif token in ("$${", "%%{"):
            close = text.find("}", pos)
            pos = pos if close < 0 else close + 1
        elif in_string:  # `${` or `%{`
            stack.append(0)
        elif token == "{":
            stack[-1] += 1
        elif stack[-1]:
            stack[-1] -= 1
        else:  # the `}` closing the template expression
            stack.pop()
    return pos, True


def hcl_comments(text: str) -> list[Comment]:
    return [Comment(t.start, t.end, text[t.start:t.end]) for t in tokens(text) if t.kind == "comment"]


_JSON_COLON = re.compile(r'\s*:\s*"')


def json_comments(text: str) -> list[Comment]:
    """The `"//": "..."` properties, which Terraform's JSON syntax reads as comments. Each
    string is read once, by the json module's own reader; the walk stops at a string the text
    ends inside or one that is not JSON (the parser rejects that file)."""
    found: list[Comment] = []
    pos = 0
    try:
        while True:
            start = text.find('"', pos)
            if start < 0:
                return found
            key, pos = scanstring(text, start + 1, False)
            colon = _JSON_COLON.match(text, pos) if key == "//" else None
            if colon is not None:
                value, pos = scanstring(text, colon.end(), False)
                found.append(Comment(start, pos, value))
    except ValueError:
        return found


# pip's rule: `#` starts a comment at the start of a line or after whitespace (`pkg#egg` is a URL).
_PIP_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.M)


def pip_comments(text: str) -> list[Comment]:
    return [Comment(m.start(), m.end(), m.group()) for m in _PIP_COMMENT.finditer(text)]


def comments(name: str, text: str) -> list[Comment]:
    """The comments of a file, by the syntax its name says: Terraform JSON (and other JSON),
    HCL, templates (which have none: all of their text is output), else requirements files."""
    if name.endswith(".json"):
        return json_comments(text)
    if name.endswith((".tf", ".tofu", ".tfvars", ".hcl")):
        return hcl_comments(text)
    if name.endswith((".tftpl", ".tpl")):
        return []
    return pip_comments(text)
