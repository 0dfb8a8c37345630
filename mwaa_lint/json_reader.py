"""A JSON reader that records where every value and object key is (Python's json does not).

Used for `.tf.json`; an explicit stack keeps deep nesting from overflowing Python's.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from . import model as m
from .diagnostic import Diagnostic, InputError

MAX_DEPTH = 100  # far beyond real configuration; keeps the model's recursive walkers safe
# Each value costs about 0.5 KB once in the model (measured: 500,000 numbers in one array, 1 MB
# of text, peak 263 MB, 8 s). Generated .tf.json averages 15 bytes or more a value, so a file
# up to the gate's 10 MB fits; a file of millions of tiny values stops here, near 500 MB.
MAX_VALUES = 1_000_000

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_PLAIN_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WORDS = {"true": True, "false": False, "null": None}


@dataclass
class JsonValue:
    """One JSON value or object key, with its span as offsets into the text (end exclusive)."""

    kind: str  # object | array | string | number | word
    # object: [(key JsonValue, JsonValue)] in the order written, duplicate keys included (what a
    # duplicate means depends on where it is: parse_json.py decides); array: [JsonValue]; else the Python value
    value: Any
    start: int
    end: int = -1
    # strings with escapes: text offset of each decoded character, then of the closing quote
    char_offsets: Optional[list] = None

    def char_offset(self, index: int) -> int:
        """Text offset of decoded character `index` of a string (len(value) → closing quote)."""
        index = max(0, min(index, len(self.value)))
        if self.char_offsets is None:
            return self.start + 1 + index
        return self.char_offsets[index]


class JsonReader:
    """Recursive descent over JSON with an explicit stack, so deep nesting cannot overflow."""

    def __init__(self, text: str, path: Path):
        self.text = text
        self.path = path
        self.i = 0
        self.values = 0  # read so far, against MAX_VALUES
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    # -- positions
    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def location(self, start: int, end: int) -> m.Location:
        return m.Location(self.path, *self.position(start), *self.position(end))

    def error(self, offset: int, reason: str) -> InputError:
        line, column = self.position(offset)
        return InputError(Diagnostic(self.path, line, column, f"Invalid JSON: {reason}"))

    # -- helpers
    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_whitespace(self) -> None:
        blanks = _WHITESPACE.match(self.text, self.i)
        assert blanks is not None  # `*`: it always matches, if only the empty string
        self.i = blanks.end()

    def found(self) -> str:
        char = self.peek()
        if not char:
            return "the end of the file"
        if char == "/":
            return "'/' (JSON has no comments; Terraform uses a \"//\" key for them)"
        if char == "'":
            return "\"'\" (JSON strings use double quotes)"
        return repr(char)

    # -- values
    def read(self) -> JsonValue:
        self.skip_whitespace()
        if not self.peek():
            raise self.error(self.i, "the file is empty; a .tf.json file holds one JSON object")
        value = self.read_value()
        self.skip_whitespace()
        if self.peek():
            raise self.error(self.i, f"unexpected {self.found()} after the end of the top-level value")
        return value

    def read_value(self) -> JsonValue:
        stack: list = []  # open containers as [node, pending key]; pending key only for objects
        while True:
            self.skip_whitespace()
            self.values += 1
            if self.values > MAX_VALUES:
                message = f"file has more than {MAX_VALUES:,} JSON values, over the limit for one file; not checked"
                raise InputError(Diagnostic(self.path, 0, 0, message))
            value = self.open_container(stack) if self.peek() in ("{", "[") else self.read_scalar(stack)
            if value is None:  # a container opened and waits for its first item
                continue
            result = self.attach(stack, value)
            if result is not None:
                return result

    def open_container(self, stack: list) -> Optional[JsonValue]:
        if len(stack) >= MAX_DEPTH:
            raise self.error(self.i, f"nested deeper than {MAX_DEPTH} levels")
        is_object = self.peek() == "{"
        node = JsonValue("object" if is_object else "array", [], self.i)
        self.i += 1
        self.skip_whitespace()
        if self.peek() == ("}" if is_object else "]"):
            self.i += 1
            node.end = self.i
            return node
        stack.append([node, self.read_key(node) if is_object else None])
        return None

    def attach(self, stack: list, value: JsonValue) -> Optional[JsonValue]:
        """Store a finished value in its container, closing containers that end; the root when done."""
        while stack:
            node, key = stack[-1]
            node.value.append(value if key is None else (key, value))
            closer = "}" if node.kind == "object" else "]"
            self.skip_whitespace()
            char = self.peek()
            if char == ",":
                comma = self.i
                self.i += 1
                self.skip_whitespace()
                if self.peek() == closer:
                    raise self.error(comma, f"trailing comma before '{closer}'")
                stack[-1][1] = self.read_key(node) if node.kind == "object" else None
                return None
            if char == closer:
                self.i += 1
                node.end = self.i
                stack.pop()
                value = node
                continue
            if not char:
                raise self.unclosed(stack)
            what = "an object member" if node.kind == "object" else "an array element"
            raise self.error(self.i, f"expected ',' or '{closer}' after {what}, found {self.found()}")
        return value

    def unclosed(self, stack: list) -> InputError:
        node = stack[-1][0]
        char = "{" if node.kind == "object" else "["
        return self.error(node.start, f"unclosed '{char}': the file ends before it is closed")

    def read_key(self, node: JsonValue) -> JsonValue:
        self.skip_whitespace()
        if self.peek() != '"':
            if not self.peek():
                raise self.error(node.start, "unclosed '{': the file ends before it is closed")
            raise self.error(self.i, f"expected a string object key, found {self.found()}")
        key = self.read_string()
        self.skip_whitespace()
        if self.peek() != ":":
            if not self.peek():
                raise self.error(node.start, "unclosed '{': the file ends before it is closed")
            raise self.error(self.i, f"expected ':' after the object key, found {self.found()}")
        self.i += 1
        return key

    def read_scalar(self, stack: list) -> JsonValue:
        char = self.peek()
        if char == '"':
            return self.read_string()
        if char == "-" or char.isdigit():
            return self.read_number()
        for word, word_value in _WORDS.items():
            if self.text.startswith(word, self.i):
                start, self.i = self.i, self.i + len(word)
                return JsonValue("word", word_value, start, self.i)
        if not char and stack:
            raise self.unclosed(stack)
        raise self.error(self.i, f"expected a value, found {self.found()}")

    def read_number(self) -> JsonValue:
        start = self.i
        match = _NUMBER.match(self.text, start)
        end = match.end() if match else start
        if end == start or (end < len(self.text) and self.text[end] in ".eE0123456789"):
            raise self.error(start, "invalid number")
        literal = self.text[start:end]
        self.i = end
        number = int(literal) if literal.lstrip("-").isdigit() and len(literal) <= 300 else float(literal)
        return JsonValue("number", number, start, end)

    def read_string(self) -> JsonValue:
        start = self.i
        self.i += 1
        chunks: list = []
        offsets: Optional[list] = None  # built only once an escape makes offsets differ
        while True:
            run = _PLAIN_STRING_RUN.match(self.text, self.i)
            assert run is not None  # `*`: it always matches, if only the empty string
            run_end = run.end()
            if run_end > self.i:
                chunks.append(self.text[self.i : run_end])
                if offsets is not None:
                    offsets.extend(range(self.i, run_end))
                self.i = run_end
            char = self.peek()
            if char == '"':
                self.i += 1
                node = JsonValue("string", "".join(chunks), start, self.i)
                if offsets is not None:
                    offsets.append(self.i - 1)
                    node.char_offsets = offsets
                return node
            if char in ("", "\n"):
                raise self.error(start, "unterminated string: a JSON string must end on the line it starts")
            if char != "\\":
                raise self.error(self.i, f"control character {char!r} in a string; write it as an escape")
            if offsets is None:
                offsets = list(range(start + 1, start + 1 + sum(len(c) for c in chunks)))
            escape_start = self.i
            decoded = self.read_escape()
            chunks.append(decoded)
            offsets.extend([escape_start] * len(decoded))

    def read_escape(self) -> str:
        escape_start = self.i
        char = self.text[self.i + 1] if self.i + 1 < len(self.text) else ""
        if char in _SIMPLE_ESCAPES:
            self.i += 2
            return _SIMPLE_ESCAPES[char]
        if char != "u":
            raise self.error(escape_start, f"invalid escape '\\{char}' in a string")
        code = self.read_hex4()
        if 0xD800 <= code < 0xDC00 and self.text.startswith("\\u", self.i):
            low_start = self.i
            low = self.read_hex4()
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
            self.i = low_start  # not a pair: read the second escape on its own
        if 0xD800 <= code < 0xE000:
            return "\ufffd"  # a lone surrogate cannot be encoded later; replace it like Go does
        return chr(code)

    def read_hex4(self) -> int:
        match = _HEX4.match(self.text, self.i + 2)
        if not match:
            raise self.error(self.i, "invalid '\\u' escape: it needs four hex digits")
        self.i = match.end()
        return int(match.group(), 16)
