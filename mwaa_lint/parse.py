"""HCL text → model, with positions. The only module that imports hcl2.

python-hcl2's dict output has no line numbers (upstream issue #291), so we walk its raw Lark
parse tree, whose nodes carry `meta.line`/`meta.column`, and build our own small AST.
Terraform rules the grammar accepts but Terraform rejects (two arguments on one line) are
checked here too, so a user hears about them before `terraform validate` does.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, cast

from hcl2.parser import parser as hcl2_parser
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import lexer
from . import model as m
from .diagnostic import Diagnostic, InputError

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_TOKEN_NAMES = {
    "COMMA": "','",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "RSQB": "']'",
    "RPAR": "')'",
    "EQ": "'='",
    "COLON": "':'",
    "NL_OR_COMMENT": "a newline",
    "$END": "the end of the file",
}


_SINGLE_LINE_BLOCK = (
    "Invalid single-argument block definition: a block written on one line may hold only one argument; "
    "put each argument on its own line"
)
MAX_REPORTED_ERRORS = 20
_AMBIGUOUS_KEY = (
    'Ambiguous attribute key: {key} is read as a reference; quote it ("{key}") for a literal name, '
    "or wrap a reference in parentheses"
)
# Lark keeps the whole parse tree in memory, about 0.7 KB per token (the model built from it is
# a sixth of that), and parses 10,000 to 30,000 tokens a second. Measured on generated locals
# (tests/fixtures/fidelity/parsing/generate.py, peak RSS of one parse): 1 MB is 197,000 tokens,
# 200 MB; 2 MB is 393,000 tokens, 380 MB. Generated files Terraform reads (a 50,000-line
# lookup table: 1.6 MB, 300,000 tokens; a 770 KB single line: 240,000 tokens) fit under this
# budget with room to spare; a file of millions of tokens (a fuzzer's output) stops here, at
# about 450 MB, rather than taking minutes and gigabytes.
MAX_TOKENS = 500_000
MAX_NESTING = 100  # levels of expressions or blocks; also keeps every recursive walker safe
# Lark's lexer needs about 230 bytes of memory per byte of a long string or heredoc, and a heredoc
# of several MB takes a minute: HCL stops at 2 MB (source.py reads .tf.json up to 10 MB).
MAX_HCL_BYTES = 2 * 1024 * 1024
_TOO_DEEP = "expression nested too deeply to parse"


class _TooManyTokens(Exception):
    pass


def build_parser() -> None:
    """Build python-hcl2's parser now (a parse worker, as it starts: parse_pool.py)."""
    hcl2_parser()


def _parse_tree(text: str, spent: list) -> Tree:
    """python-hcl2's parser, fed one token at a time so that it stops at MAX_TOKENS.
    `spent` ([int]) adds up the tokens of every attempt on one file."""
    interactive = hcl2_parser().parse_interactive(text + "\n")  # the newline: as hcl2.parses_to_tree
    last = None
    for count, token in enumerate(interactive.iter_parse(), start=1):
        if count > MAX_TOKENS:
            raise _TooManyTokens
        spent[0] += 1
        last = token
    return interactive.feed_eof(last)


def _without_inline_comments(text: str) -> str:
    """`text` with each `/* ... */` comment that stays on its line made blanks: whitespace, as
    Terraform reads it. python-hcl2's grammar refuses one right after an `=`, or before it
    (`bucket = /* c */ "z"`), which Terraform 1.11.4 takes. Offsets, lines and columns stay."""
    if "/*" not in text:
        return text
    parts, last = [], 0
    for comment in lexer.hcl_comments(text):
        if comment.text.startswith("/*") and comment.text.endswith("*/") and "\n" not in comment.text:
            parts += [text[last:comment.start], " " * (comment.end - comment.start)]
            last = comment.end
    return "".join(parts) + text[last:] if parts else text


def parse_hcl(text: str, path: Path) -> m.File:
    """Parse HCL text; raises InputError with Terraform-like messages on invalid syntax.

    Like Terraform, report every one-line block with two arguments at once: blank the
    offending comma, parse again, and collect, rather than stopping at the first.
    """
    if len(text) > MAX_HCL_BYTES:  # characters: fewer than the bytes, so never wrongly refused
        size = len(text.encode("utf-8", "surrogatepass")) / 1048576
        message = f"file is {size:.1f} MB, over the {MAX_HCL_BYTES // 1048576} MB limit for HCL files; not checked"
        raise InputError(Diagnostic(path, 0, 0, message))
    errors: list = []
    attempt = _without_inline_comments(text)
    spent = [0]
    scan = None
    while True:
        try:
            tree = _parse_tree(attempt, spent)
            break
        except UnexpectedInput as exc:
            scan = scan or _scan(text)  # blanking a comma changes nothing the scan looks at
            diagnostic = _syntax_diagnostic(exc, attempt, path, scan)
            errors.append(diagnostic)
            if diagnostic.message != _SINGLE_LINE_BLOCK or len(errors) >= MAX_REPORTED_ERRORS or spent[0] > MAX_TOKENS:
                raise InputError(*_with_fixes(errors, text)) from None
            comma = _offset(exc)
            attempt = attempt[:comma] + " " + attempt[comma + 1 :]
        except _TooManyTokens:
            message = f"file has more than {MAX_TOKENS:,} tokens, over the limit for one file; not checked"
            raise InputError(Diagnostic(path, 0, 0, message)) from None
        except RecursionError:
            raise InputError(Diagnostic(path, 1, 1, _TOO_DEEP)) from None
    builder = _Builder(path)
    try:
        items = builder.body(tree.children[0], parent_header_line=None)
    except RecursionError:
        raise InputError(Diagnostic(path, 1, 1, _TOO_DEEP)) from None
    reported_lines = {d.line for d in errors}
    errors += [d for d in builder.errors if d.line not in reported_lines]
    if errors:
        raise InputError(*_with_fixes(sorted(errors, key=lambda d: (d.line, d.column)), text))
    blocks = [i for i in items if isinstance(i, m.Block)]
    attributes = {i.name: i for i in items if isinstance(i, m.Attribute)}
    return m.File(path=path, text=text, blocks=blocks, attributes=attributes)


def _with_fixes(errors: list, text: str) -> list:
    """The diagnostics, a one-line block with several arguments given the fix that splits it
    (one_line_blocks.py), when that is unambiguous."""
    from dataclasses import replace

    from .one_line_blocks import split_fix

    fixed = []
    for diagnostic in errors:
        if diagnostic.message == _SINGLE_LINE_BLOCK and diagnostic.path is not None:
            diagnostic = replace(diagnostic, fix=split_fix(_line(text, diagnostic.line), diagnostic.path, diagnostic.line))
        fixed.append(diagnostic)
    return fixed


def parse_expression(text: str, path: Path, line: int, column: int, depth: int = 0) -> m.Expr:
    """Parse one expression that sits at (line, column) of `path`, e.g. inside a heredoc;
    `depth` is how deeply nested the text already is."""
    prefix = "x = "
    try:
        tree = _parse_tree(prefix + text, [0])
    except UnexpectedInput as exc:
        raise InputError(Diagnostic(path, line + exc.line - 1, column, f"invalid interpolation: {_short(exc)}")) from None
    except _TooManyTokens:
        raise InputError(Diagnostic(path, line, column, f"interpolation has more than {MAX_TOKENS:,} tokens; not checked")) from None
    builder = _Builder(path, line_offset=line - 1, first_line_col_offset=column - 1 - len(prefix), depth=depth)
    attribute = next(c for c in tree.children[0].children if isinstance(c, Tree) and c.data == "attribute")
    return builder.expr(attribute.children[-1])


def parse_template(text: str, path: Path, line: int, column: int) -> m.Expr:
    """Parse template text (no surrounding quotes) found at (line, column): `.tf.json` strings."""
    parts = _Builder(path)._template_text(text, line, column)
    return _template(m.Location(path, line, column, line, column + len(text)), parts)


def _offset(exc: UnexpectedInput) -> int:
    """Where in the text `exc` happened. Lark declares `pos_in_stream = None` on the base class;
    an UnexpectedCharacters, and an UnexpectedToken for a token of the text, set it to an int."""
    return cast(int, exc.pos_in_stream)


def _short(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedToken):
        return f"unexpected {_describe(exc.token)}"
    return "unexpected character"


def _describe(token: Token) -> str:
    if token.type in _TOKEN_NAMES:
        return _TOKEN_NAMES[token.type]
    value = str(token).strip()
    if token.type == "STRING_CHARS":  # the lexer's catch-all: it runs on to the next quote
        value = value.split(maxsplit=1)[0] if value else ""
    value = value.split("\n", 1)[0][:30]
    # a control character in a message could drive a terminal: show it as an escape
    value = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in value)
    return f"'{value}'" if value else "a newline"


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: Path, scan: _Scan) -> Diagnostic:
    line, column = exc.line, exc.column
    if scan.unterminated and scan.unterminated <= (line, column):
        # the grammar lets a quoted string run across lines and fails far away; point at its start
        sline, scol = scan.unterminated
        return Diagnostic(path, sline, scol, "Unterminated string: a quoted string must end on the line it starts")
    if scan.heredoc and scan.heredoc[:2] <= (line, column):
        hline, hcol, marker = scan.heredoc
        message = f"Unclosed heredoc: the file ends before a line holding only {marker} closes it"
        return Diagnostic(path, hline, hcol, message)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" or isinstance(exc, UnexpectedEOF):
        if scan.open_brackets:
            oline, ocol, char = scan.open_brackets[-1]
            return Diagnostic(path, oline, ocol, f"Unclosed '{char}': the file ends before it is closed")
        lines = text.splitlines() or [""]
        return Diagnostic(path, len(lines), len(lines[-1]) + 1, "Unexpected end of file")
    if isinstance(exc, UnexpectedCharacters):
        offset = _offset(exc)
        char = text[offset] if offset < len(text) else "?"
        if char == '"':
            return Diagnostic(path, line, column, "Unterminated string: a quoted string must end on the line it starts")
        return Diagnostic(path, line, column, f"Invalid character {char!r}")
    assert isinstance(exc, UnexpectedToken)  # lark's third kind, after UnexpectedEOF and UnexpectedCharacters
    token = exc.token
    source_line = _line(text, line)
    if token.type == "COMMA" and _is_single_line_block(source_line):
        return Diagnostic(path, line, column, _SINGLE_LINE_BLOCK)
    if token.type == "COMMA":
        return Diagnostic(path, line, column, "Unexpected ',': arguments in a block are separated by newlines, not commas")
    return Diagnostic(path, line, column, f"Unexpected {_describe(token)}")


def _line(text: str, number: int) -> str:
    """Line `number` (1-based) of text, without splitting a large file into a list."""
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _is_single_line_block(line: str) -> bool:
    # `name "label" { a = 1, b = 2 }`: a block header, not `x = { ... }` (an object expression)
    return bool(re.match(r'\s*[A-Za-z_][\w-]*(\s+("[^"]*"|[A-Za-z_][\w-]*))*\s*\{', line))


@dataclass
class _Scan:
    open_brackets: list[tuple[int, int, str]]  # (line, column, char) still open at the end of the text
    unterminated: Optional[tuple[int, int]]  # (line, column) of the first quote not closed on its line
    heredoc: Optional[tuple[int, int, str]] = None  # (line, column, marker) of a heredoc the file never closes


_PAIRS = {"}": "{", "]": "[", ")": "("}


def _scan(text: str) -> _Scan:
    """What the error messages need of a file that did not parse, from lexer.py's token walk:
    brackets left open, the first quoted string not closed on its line, a heredoc never closed."""
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def position(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    stack: list[tuple[int, int, str]] = []
    unterminated: Optional[tuple[int, int]] = None
    heredoc: Optional[tuple[int, int, str]] = None
    for token in lexer.tokens(text):
        if token.kind == "string":
            if unterminated is None and (not token.closed or "\n" in text[token.start:token.end]):
                unterminated = position(token.start)
        elif token.kind == "heredoc":
            if not token.closed:
                heredoc = (*position(token.start), lexer.heredoc_marker(text[token.start:text.find("\n", token.start)]))
        elif token.kind in _PAIRS.values():
            stack.append((*position(token.start), token.kind))
        elif token.kind in _PAIRS and stack and stack[-1][2] == _PAIRS[token.kind]:
            stack.pop()
    return _Scan(stack, unterminated, heredoc)


class _Builder:
    """Converts Lark trees to model nodes; offsets place sub-parses (heredoc interpolations)."""

    def __init__(self, path: Path, line_offset: int = 0, first_line_col_offset: int = 0, depth: int = 0):
        self.path = path
        self.errors: list = []  # Terraform-only errors found while building (two arguments on a line)
        self.line_offset = line_offset
        self.col_offset = first_line_col_offset
        self.depth = depth  # expressions and blocks open around the node being built

    @contextmanager
    def nested(self, node, what: str):
        """One level deeper; past MAX_NESTING a clear error rather than a RecursionError."""
        if self.depth >= MAX_NESTING:
            raise self.error(node, f"{what} nested deeper than {MAX_NESTING} levels; not checked")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    # -- positions
    def _pos(self, line: int, column: int) -> tuple[int, int]:
        return line + self.line_offset, column + (self.col_offset if line == 1 else 0)

    def loc(self, node) -> m.Location:
        if isinstance(node, Token):
            # lark types a token's position Optional (a token made by hand has none); the lexer's have one
            assert node.line is not None and node.column is not None and node.end_line is not None and node.end_column is not None
            l1, c1 = self._pos(node.line, node.column)
            l2, c2 = self._pos(node.end_line, node.end_column)
        else:
            meta = node.meta
            if meta.empty:
                return m.Location(self.path, 1 + self.line_offset, 1, 1 + self.line_offset, 1)
            l1, c1 = self._pos(meta.line, meta.column)
            l2, c2 = self._pos(meta.end_line, meta.end_column)
        return m.Location(self.path, l1, c1, l2, c2)

    def error(self, node, message: str) -> InputError:
        loc = self.loc(node)
        return InputError(Diagnostic(self.path, loc.line, loc.column, message))

    # -- structure
    def body(self, body: Tree, parent_header_line: Optional[int]) -> list:
        items = [c for c in body.children if isinstance(c, Tree) and c.data in ("attribute", "block")]
        for prev, item in zip(items, items[1:]):
            # an item that starts past prev's span cannot share its last line (no need to walk prev)
            if item.meta.line <= prev.meta.end_line and item.meta.line == _last_content_line(prev):
                # collected, not raised: the grammar accepts this, so building can go on
                if parent_header_line == prev.meta.line:
                    self.errors.append(self.error(item, _SINGLE_LINE_BLOCK).diagnostic)
                else:
                    message = "Missing newline after argument: each argument must end with a newline"
                    self.errors.append(self.error(item, message).diagnostic)
        return [self.block(i) if i.data == "block" else self.attribute(i) for i in items]

    def _name(self, node) -> str:
        if isinstance(node, Token):
            return str(node)
        if node.data == "string":
            return "".join(str(self._string_value(node)))
        return str(node.children[0])

    def attribute(self, node: Tree) -> m.Attribute:
        return m.Attribute(name=self._name(node.children[0]), expr=self.expr(node.children[-1]), loc=self.loc(node))

    def block(self, node: Tree) -> m.Block:
        header = []
        body = None
        for child in node.children:
            if isinstance(child, Tree) and child.data == "body":
                body = child
                break
            if isinstance(child, Tree) and child.data in ("identifier", "keyword", "literal_value", "string"):
                header.append(child)
        type_ = self._name(header[0])
        labels = [self._string_value(h) if h.data == "string" else self._name(h) for h in header[1:]]
        header_loc = self.loc(header[0])
        block = m.Block(type=type_, labels=[str(x) for x in labels], loc=header_loc, end_loc=self.loc(node))
        with self.nested(node, "block"):
            items = self.body(body, parent_header_line=node.meta.line) if body is not None else []
        for item in items:
            if isinstance(item, m.Block):
                block.blocks.append(item)
            else:
                block.attributes[item.name] = item
        return block

    def _string_value(self, node: Tree) -> str:
        expr = self.string(node)
        if isinstance(expr, m.Literal):
            return expr.value
        raise self.error(node, "a block label cannot contain interpolations")

    # -- expressions
    def expr(self, node) -> m.Expr:
        if isinstance(node, Token):
            raise self.error(node, f"unexpected {_describe(node)}")
        handler = getattr(self, "x_" + node.data, None)
        if handler is None:
            raise self.error(node, f"unsupported expression ({node.data})")
        if node.data == "expr_term" and not any(isinstance(c, Token) and c.type == "LPAR" for c in node.children):
            return handler(node)  # a wrapper around the real node, not a level of its own
        with self.nested(node, "expression"):
            return handler(node)

    def _trees(self, node: Tree) -> list:
        return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    def x_expr_term(self, node: Tree) -> m.Expr:
        return self.expr(self._trees(node)[0])

    def x_identifier(self, node: Tree) -> m.Expr:
        return m.Name(self.loc(node), str(node.children[0]))

    x_keyword = x_identifier

    def x_literal_value(self, node: Tree) -> m.Expr:
        return m.Literal(self.loc(node), {"true": True, "false": False, "null": None}[str(node.children[0])])

    def x_int_lit(self, node: Tree) -> m.Expr:
        return m.Literal(self.loc(node), _number(str(node.children[0])))

    def x_float_lit(self, node: Tree) -> m.Expr:
        return m.Literal(self.loc(node), float(str(node.children[0])))

    def x_string(self, node: Tree) -> m.Expr:
        return self.string(node)

    def string(self, node: Tree) -> m.Expr:
        tokens: list = []  # a quoted string's literal runs between templates are one token each
        for part in node.children:
            if not (isinstance(part, Tree) and part.data == "string_part"):
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    text = str(inner)[1:]
                else:
                    text = _unescape(str(inner))
                if tokens and isinstance(tokens[-1], str):
                    tokens[-1] += text
                else:
                    tokens.append(text)
            elif inner.data == "interpolation":
                tokens.append(_Directive("interp", self.loc(inner), False, False, self.expr(self._trees(inner)[0])))
            else:
                tokens.append(self._directive_node(inner))
        return _template(self.loc(node), self._assemble(tokens, flush=False))

    def _directive_node(self, node: Tree) -> _Directive:
        """A `%{ ... }` directive of a quoted string, from its Lark node."""
        kind = node.data.replace("template_", "").replace("_start", "")
        words = [str(c) for c in node.children if isinstance(c, Token)]
        strip_left = len(words) > 1 and words[1] == "~"
        strip_right = len(words) > 1 and words[-2] == "~"
        trees = self._trees(node)
        if kind == "for":
            names = [str(t.children[0]) for t in trees if t.data == "identifier"]
            key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
            return _Directive("for", self.loc(node), strip_left, strip_right, self.expr(trees[-1]), key_var, value_var)
        if kind not in _DIRECTIVES:
            raise self.error(node, f"unsupported template directive ({node.data})")
        expr = self.expr(trees[-1]) if kind == "if" else None
        return _Directive(kind, self.loc(node), strip_left, strip_right, expr)

    def x_template_string(self, node: Tree) -> m.Expr:
        return m.Literal(self.loc(node), _unescape(str(node.children[0])[2:-2]))

    def x_heredoc_template(self, node: Tree) -> m.Expr:
        return self.heredoc(node, trim=False)

    def x_heredoc_template_trim(self, node: Tree) -> m.Expr:
        return self.heredoc(node, trim=True)

    def heredoc(self, node: Tree, trim: bool) -> m.Expr:
        raw = str(node.children[0])
        lines = raw.split("\n")
        body_lines = lines[1:-2]  # drop `<<EOT`, the closing marker line and the final ""
        loc = self.loc(node)
        text = "".join(line + "\n" for line in body_lines)
        return _template(loc, self._assemble(self._template_tokens(text, loc.line + 1, 1), flush=trim), heredoc=True)

    def _template_text(self, text: str, line: int, column: int) -> list:
        """Template text (a template file, a `.tf.json` string) as parts: literal text, expressions,
        and TemplateIf/TemplateFor for its directives."""
        return self._assemble(self._template_tokens(text, line, column), flush=False)

    def _template_tokens(self, text: str, line: int, column: int) -> list:
        """HCL's template tokens of raw template text at (line, column): literal text, one token
        per line as HCL scans it (strip markers act on one token), and `${}`/`%{}` _Directives."""
        starts = [0, *(match.end() for match in re.finditer("\n", text))]

        def position(offset: int) -> tuple[int, int]:
            index = bisect.bisect_right(starts, offset) - 1
            return line + index, (column if index == 0 else 1) + offset - starts[index]

        tokens: list = []
        literal: list = []

        def add_literal(chunk: str) -> None:
            literal.append(chunk)

        def flush_literal() -> None:
            joined = "".join(literal)
            literal.clear()
            tokens.extend(piece for piece in re.split("(?<=\n)", joined) if piece)

        i = 0
        while True:
            found = [x for x in (text.find("${", i), text.find("%{", i)) if x >= 0]
            if not found:
                add_literal(text[i:])
                flush_literal()
                return tokens
            start = min(found)
            if start > 0 and text[start - 1] in "$%" and text[start - 1] == text[start]:  # `$${` / `%%{`
                add_literal(text[i : start - 1] + text[start : start + 2])
                i = start + 2
                continue
            add_literal(text[i:start])
            flush_literal()
            end = _matching_brace(text, start + 1)
            if end < 0:
                raise InputError(Diagnostic(self.path, *position(start), "Unclosed template interpolation"))
            tokens.append(self._raw_directive(text, start, end, position))
            i = end + 1

    def _raw_directive(self, text: str, start: int, end: int, position: Callable[[int], tuple[int, int]]) -> _Directive:
        """The `${ ... }` or `%{ ... }` at text[start:end + 1] of raw template text."""
        body_start, body_end = start + 2, end
        strip_left = text[body_start:body_end].startswith("~")
        strip_right = body_end > body_start + strip_left and text[body_end - 1] == "~"
        body_start += strip_left
        body_end -= strip_right
        loc = m.Location(self.path, *position(start), *position(end + 1))
        if text[start] == "$":
            expr = parse_expression(text[body_start:body_end], self.path, *position(body_start), self.depth)
            return _Directive("interp", loc, strip_left, strip_right, expr)
        body = text[body_start:body_end]
        keyword = re.match(r"\s*(if|else|endif|for|endfor)(?![\w-])", body)
        if keyword is None:
            message = "Invalid template directive: expected if, else, endif, for or endfor"
            raise InputError(Diagnostic(self.path, loc.line, loc.column, message))
        kind, rest_at = keyword.group(1), body_start + keyword.end()
        if kind == "if":
            expr = parse_expression(text[rest_at:body_end], self.path, *position(rest_at), self.depth)
            return _Directive("if", loc, strip_left, strip_right, expr)
        if kind == "for":
            intro = re.match(r"\s*([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in(?![\w-])", text[rest_at:body_end])
            if intro is None:
                raise InputError(Diagnostic(self.path, loc.line, loc.column, "Invalid 'for' directive: expected `for NAME in EXPRESSION`"))
            key_var, value_var = (intro.group(1), intro.group(2)) if intro.group(2) else (None, intro.group(1))
            at = rest_at + intro.end()
            expr = parse_expression(text[at:body_end], self.path, *position(at), self.depth)
            return _Directive("for", loc, strip_left, strip_right, expr, key_var, value_var)
        if text[rest_at:body_end].strip():
            raise InputError(Diagnostic(self.path, loc.line, loc.column, f"Invalid template directive: nothing may follow {kind}"))
        return _Directive(kind, loc, strip_left, strip_right)

    def _assemble(self, tokens: list, flush: bool) -> list:
        """Template parts from tokens as HCL builds them: strip markers (`~`) trim the whitespace
        of the literal token next to them, then a `<<-` heredoc loses the common indentation of
        its lines (counted on the stripped tokens), then directives nest into TemplateIf/For."""
        for index, token in enumerate(tokens):
            if not isinstance(token, _Directive):
                continue
            if token.strip_left and index > 0 and isinstance(tokens[index - 1], str):
                tokens[index - 1] = tokens[index - 1].rstrip()
            if token.strip_right and index + 1 < len(tokens) and isinstance(tokens[index + 1], str):
                tokens[index + 1] = tokens[index + 1].lstrip()
        if flush:
            _flush_heredoc(tokens)
        root: list = []
        stack: list = []  # (directive, node) of the open if/for
        current = root
        for token in tokens:
            if isinstance(token, str):
                current.append(token)
            elif token.kind == "interp":
                current.append(token.expr)
            elif token.kind == "if":
                branch = m.TemplateIf(token.loc, token.expr, [], [])
                current.append(branch)
                stack.append((token, branch))
                current = branch.then
            elif token.kind == "for":
                loop = m.TemplateFor(token.loc, token.key_var, token.value_var, token.expr, [])
                current.append(loop)
                stack.append((token, loop))
                current = loop.body
            else:
                opener = "if" if token.kind in ("else", "endif") else "for"
                if not stack or stack[-1][0].kind != opener or token.kind == "else" and stack[-1][0].seen_else:
                    message = f"Unexpected {token.kind} directive: no {opener} directive is open here"
                    raise InputError(Diagnostic(self.path, token.loc.line, token.loc.column, message))
                if token.kind == "else":
                    stack[-1][0].seen_else = True
                    current = stack[-1][1].otherwise
                    continue
                stack.pop()
                current = root if not stack else (stack[-1][1].body if isinstance(stack[-1][1], m.TemplateFor) else
                                                  stack[-1][1].otherwise if stack[-1][0].seen_else else stack[-1][1].then)
        if stack:
            opened = stack[-1][0]
            closer = "endif" if opened.kind == "if" else "endfor"
            message = f"Unexpected end of template: the {opened.kind} directive is missing its corresponding {closer} directive"
            raise InputError(Diagnostic(self.path, opened.loc.line, opened.loc.column, message))
        return _merged(root)

    def _start(self, node: Tree) -> tuple[int, int]:
        loc = self.loc(node)
        return loc.line, loc.column

    def x_tuple(self, node: Tree) -> m.Expr:
        return m.TupleExpr(self.loc(node), [self.expr(c) for c in self._released(node)])

    def _released(self, node: Tree) -> Iterator[Tree]:
        """_trees(node), each let go of once the caller has converted it: a generated map of
        50,000 entries is then never held twice, as Lark's tree and as the model (peak memory)."""
        trees = self._trees(node)
        node.children = []
        trees.reverse()
        while trees:
            yield trees.pop()

    def x_object(self, node: Tree) -> m.Expr:
        items = []
        for elem in self._released(node):
            key_node, value_node = self._trees(elem)
            key_term = self._trees(key_node)[0] if self._trees(key_node) else None
            if key_term is not None and _is_bare_traversal(key_term):
                # Terraform: "Ambiguous attribute key"; evaluating it would turn the whole map unknown
                dotted = ".".join(str(t.children[0]) for t in key_term.iter_subtrees_topdown() if t.data == "identifier")
                raise InputError(Diagnostic(self.path, *self._start(key_term), _AMBIGUOUS_KEY.format(key=dotted)))
            key = self.expr(key_term) if key_term is not None else None
            if key is None:  # keyword key such as `in`
                key = m.Literal(self.loc(key_node), str(key_node.children[0].children[0]))
            if isinstance(key, m.Name):  # `{ Effect = "Allow" }`: a bare name is a literal key
                key = m.Literal(key.loc, key.name)
            items.append((key, self.expr(value_node)))
        return m.ObjectExpr(self.loc(node), items)

    def x_function_call(self, node: Tree) -> m.Expr:
        names = [str(c.children[0]) for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        args_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        args, expand = [], False
        if args_node is not None:
            args = [self.expr(c) for c in self._trees(args_node)]
            expand = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children)
        return m.Call(self.loc(node), "::".join(names), args, expand)

    def x_get_attr_expr_term(self, node: Tree) -> m.Expr:
        obj, get_attr = self._trees(node)
        return self._apply(self.expr(obj), get_attr)

    def x_index_expr_term(self, node: Tree) -> m.Expr:
        obj, index = self._trees(node)
        return self._apply(self.expr(obj), index)

    def _apply(self, obj: m.Expr, op: Tree) -> m.Expr:
        loc = self.loc(op)
        loc = m.Location(self.path, obj.loc.line, obj.loc.column, loc.end_line, loc.end_column)
        if op.data == "get_attr":
            return m.GetAttr(loc, obj, str(self._trees(op)[0].children[0]))
        if op.data == "braces_index":
            return m.Index(loc, obj, self.expr(self._trees(op)[0]))
        if op.data == "short_index":
            number = next(c for c in op.children if isinstance(c, Token) and c.type == "INT_LITERAL")
            return m.Index(loc, obj, m.Literal(loc, int(str(number))))
        raise self.error(op, f"unsupported traversal ({op.data})")

    def _splat(self, node: Tree) -> m.Expr:
        obj, splat = self._trees(node)
        obj_expr = self.expr(obj)
        rest: m.Expr = m.SplatItem(obj_expr.loc)
        for op in self._trees(splat):
            rest = self._apply(rest, op)
        return m.Splat(self.loc(node), obj_expr, rest)

    x_attr_splat_expr_term = _splat
    x_full_splat_expr_term = _splat

    def x_binary_op(self, node: Tree) -> m.Expr:
        left, term = self._trees(node)[:2]
        operator, right = self._trees(term)[:2]
        op = str(operator.children[0]).strip()
        return m.BinaryOp(self.loc(node), op, self.expr(left), self.expr(right))

    def x_unary_op(self, node: Tree) -> m.Expr:
        op = str(node.children[0])
        return m.UnaryOp(self.loc(node), op, self.expr(self._trees(node)[0]))

    def x_conditional(self, node: Tree) -> m.Expr:
        cond, true, false = self._trees(node)
        return m.Conditional(self.loc(node), self.expr(cond), self.expr(true), self.expr(false))

    def _for(self, node: Tree, is_object: bool) -> m.Expr:
        intro = next(c for c in node.children if isinstance(c, Tree) and c.data == "for_intro")
        names = [str(c.children[0]) for c in intro.children if isinstance(c, Tree) and c.data == "identifier"]
        collection = self.expr(self._trees(intro)[-1])
        cond_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"), None)
        cond = self.expr(self._trees(cond_node)[0]) if cond_node is not None else None
        body = [c for c in self._trees(node) if c.data not in ("for_intro", "for_cond")]
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        loc = self.loc(node)
        if is_object:
            grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
            return m.ForExpr(loc, key_var, value_var, collection, self.expr(body[1]), self.expr(body[0]), cond, grouping)
        return m.ForExpr(loc, key_var, value_var, collection, self.expr(body[0]), None, cond)

    def x_for_tuple_expr(self, node: Tree) -> m.Expr:
        return self._for(node, is_object=False)

    def x_for_object_expr(self, node: Tree) -> m.Expr:
        return self._for(node, is_object=True)


_DIRECTIVES = ("if", "else", "endif", "for", "endfor")


@dataclass
class _Directive:
    """A template token that is not literal text: `${ expr }` ("interp") or a `%{ }` directive."""

    kind: str  # "interp" or one of _DIRECTIVES
    loc: m.Location
    strip_left: bool  # `${~` / `%{~`
    strip_right: bool  # `~}`
    expr: Optional[m.Expr] = None
    key_var: Optional[str] = None
    value_var: str = ""
    seen_else: bool = False


def _flush_heredoc(tokens: list) -> None:
    """HCL's `<<-` trimming: the fewest leading spaces of any line (a line that does not start
    with literal text counts 0, a blank line does not count) are removed from each line's first
    literal token. Lines are told by the tokens, after strip markers acted."""
    fewest = None
    adjust: list = []
    newline = True
    for index, token in enumerate(tokens):
        if newline:
            newline = False
            if isinstance(token, str):
                trimmed = token.lstrip()
                if not trimmed and token.endswith("\n"):
                    spaces = None
                else:
                    spaces = len(token) - len(trimmed)
                    adjust.append(index)
            else:
                spaces = 0
            if spaces is not None and (fewest is None or spaces < fewest):
                fewest = spaces
        if isinstance(token, str) and token.endswith("\n"):
            newline = True
    for index in adjust:
        tokens[index] = tokens[index][fewest or 0 :]


def _merged(parts: list) -> list:
    """Adjacent literal text joined, empty text dropped, also inside directives."""
    out: list = []
    for part in parts:
        if isinstance(part, m.TemplateIf):
            part.then, part.otherwise = _merged(part.then), _merged(part.otherwise)
        elif isinstance(part, m.TemplateFor):
            part.body = _merged(part.body)
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return out


def _last_content_line(node: Tree) -> int:
    """The line an item really ends on. Lark spans can include a trailing newline (binary
    operators take an optional one; a heredoc token swallows its last), so use the last
    token that is not a newline, and a heredoc's closing marker line."""
    last = 0
    stack = [node]  # not Tree.scan_values: it recurses, and a deep expression overflows it
    while stack:
        item = stack.pop()
        if isinstance(item, Tree):
            stack.extend(item.children)
        elif isinstance(item, Token) and item.type != "NL_OR_COMMENT":
            last = max(last, item.end_line - 1 if item.type.startswith("HEREDOC") else item.end_line)
    return last or node.meta.end_line


def _template(loc: m.Location, parts: list, heredoc: bool = False) -> m.Expr:
    merged: list = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if not merged:
        return m.Template(loc, [""], heredoc) if heredoc else m.Literal(loc, "")
    if len(merged) == 1 and isinstance(merged[0], str) and not heredoc:
        return m.Literal(loc, merged[0])
    return m.Template(loc, merged, heredoc)


def _matching_brace(text: str, open_index: int) -> int:
    depth, i, in_string = 0, open_index, False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _number(text: str):
    """An integer literal; a float past 300 digits (Python cannot print ints beyond 4,300)."""
    return int(text) if len(text) <= 300 else float(text)


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw

    def repl(match: re.Match) -> str:
        esc = match.group(1)
        if esc[0] in "uU":
            return chr(int(esc[1:], 16))
        return _ESCAPES.get(esc, "\\" + esc)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", repl, raw)


def _is_bare_traversal(term: Tree) -> bool:
    """`core.executor` as an object key, not wrapped in parentheses (`(local.key)`)."""
    children = [c for c in term.children if isinstance(c, Tree)]
    return len(children) == 1 and children[0].data == "get_attr_expr_term" and not any(
        isinstance(c, Token) and str(c) == "(" for c in term.children
    )
