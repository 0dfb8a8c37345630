"""Text made fit for a report: credentials in URLs masked, undecodable file-name bytes escaped.

Requirements files name their package index and git dependencies by URL, and CI often writes a
token into that URL (`--index-url https://ci:TOKEN@pypi.example.com/simple`,
`git+https://x-access-token:TOKEN@github.com/org/repo.git`). Findings and diagnostics quote such
lines, and CI logs and uploaded reports are read by many, so the user information of every URL
is masked: `scheme://user:password@host` → `scheme://user:****@host` and `scheme://token@host` →
`scheme://****@host` (a user name alone is masked too: tokens are often passed as one).

The engine applies both to every message once, where the run's Result is put together
(engine._result), before any format sees it; the text format also masks the source lines it shows.
"""
from __future__ import annotations

import dataclasses
import re

MASK = "****"
# The user information of a URL runs to the last `@` before the host (a password may hold one).
# The scheme is short, so a search never rescans a long run of letters.
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]{0,30}://)([^\s/?#]*)@")
# A file name byte that is not UTF-8 reaches Python as a lone surrogate (os.fsdecode's
# surrogateescape), and so may a JSON "\ud800": no output encoding can write one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def mask_credentials(text: str) -> str:
    """`text` with the credentials in its URLs replaced by ****."""
    if "@" not in text or "://" not in text:  # the common case, cheaply
        return text
    return _USERINFO.sub(_masked, text)


def _masked(match: re.Match) -> str:
    user, colon, _ = match.group(2).partition(":")
    return f"{match.group(1)}{user}:{MASK}@" if colon else f"{match.group(1)}{MASK}@"


def escape_undecodable(text: str) -> str:
    """`text` with each lone surrogate written as an escape: `\\xff` for a file name's byte 0xff
    (as `ls -b` shows it), `\\ud800` for any other."""
    if text.isascii():
        return text
    return _SURROGATE.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    return escape_undecodable(mask_credentials(text))


def finding(f):
    """The Finding as a report may show it (the same object when nothing changes)."""
    message, address = printable(f.message), printable(f.address)
    related = tuple((loc, printable(why)) for loc, why in f.related)
    if message == f.message and address == f.address and related == f.related:
        return f
    return dataclasses.replace(f, message=message, address=address, related=related)


def diagnostic(d):
    """The Diagnostic as a report may show it (the same object when nothing changes)."""
    message = printable(d.message)
    return d if message == d.message else dataclasses.replace(d, message=message)
