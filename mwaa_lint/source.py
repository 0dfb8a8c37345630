"""Read a file's bytes into text, refusing what is not text with a clear reason."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

from .diagnostic import Diagnostic, InputError
from .observations import digest, note, record
from .project import MAX_FILE_BYTES, Refused, current

__all__ = ["MAX_FILE_BYTES", "decode", "read_data", "read_text"]


def read_text(path: Path) -> str:
    """The text of the file at `path`, read through the project's gate (project.py); an
    InputError at `path` says why not (and is the only report of it: the read is quiet)."""
    return decode(read_data(path), path)


def read_data(path: Path) -> bytes:
    """The bytes of the file at `path`, as `read_text` reads them (noted for the result cache),
    before they are decoded."""
    try:
        data = current().read_bytes(path, quiet=True)
    except OSError as error:
        note("read", path)  # what a module's check looked at (observations.py)
        # shown at the file itself: "file is 20.0 MB, over the 10 MB limit; not checked"
        reason = f"file {error.reason.replace('not read', 'not checked')}" if isinstance(error, Refused) \
            else f"cannot read file: {error.strerror or error}"
        if os.path.islink(path) and not os.path.exists(path):  # shown at its target: name the link too
            reason = f"broken symbolic link {Path(path).name}; not checked"
        raise InputError(Diagnostic(Path(path), 0, 0, reason, kind="read-error")) from None
    record("read", path, digest(data))  # the very bytes decoded
    return data


# Files Terraform (and OpenTofu) read as configuration or variable definitions: it reads them
# as UTF-8 only (hcl's "Invalid character encoding" for UTF-16; a UTF-8 byte order mark is
# skipped in HCL but is "Invalid start of value" in JSON). Other files (requirements.txt, which
# pip decodes by its byte order mark) keep the friendlier reading below.
_TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json")
_UTF16 = "Invalid character encoding: the file is UTF-16{how}; Terraform reads only UTF-8; not checked"


def decode(data: bytes, path) -> str:
    """A file's bytes as text, as `read_text` gives it; InputError (at `path`) when they are
    not text Terraform would read."""
    if data.isascii() and b"\x00" not in data:  # most Terraform: no byte order mark, nothing to check
        return data.decode("ascii").replace("\r\n", "\n")

    def fail(message: str, line: int = 0, column: int = 0) -> InputError:
        return InputError(Diagnostic(Path(path), line, column, message, kind="read-error"))

    name = os.path.basename(os.fspath(path))  # not Path(path).name: the textual pass decodes every file
    terraform = name.endswith(_TERRAFORM_SUFFIXES)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if terraform:
            raise fail(_UTF16.format(how=" (it starts with a UTF-16 byte order mark)"), 1, 1)
        try:  # pip reads a requirements file by its byte order mark: so do we
            return data.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise fail(f"invalid UTF-16 text: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        even, odd = data[:8192:2].count(0), data[1:8192:2].count(0)
        if max(even, odd) > min(len(data), 8192) // 4 and min(even, odd) * 10 < max(even, odd):
            # NUL in every other byte, as ASCII text in UTF-16 has, and not in the others
            if terraform:
                raise fail(_UTF16.format(how=" without a byte order mark"), 1, 1)
            raise fail("UTF-16 text without a byte order mark; Terraform requires UTF-8; not checked")
        raise fail("binary file (contains NUL bytes), not Terraform text; not checked")
    if terraform and name.endswith(".json") and data.startswith(codecs.BOM_UTF8):
        raise fail("Invalid JSON: the file starts with a UTF-8 byte order mark, which Terraform does not "
                   "accept in JSON; save it as UTF-8 without one", 1, 1)
    if data.startswith(codecs.BOM_UTF8):  # as "utf-8-sig" reads it, without its Python-level codec
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(f"invalid UTF-8 byte 0x{data[exc.start]:02x}; Terraform requires UTF-8", line, column) from None
    return text.replace("\r\n", "\n")
