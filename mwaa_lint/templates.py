"""`templatefile(path, vars)`: read the template, evaluate its `${...}` with those variables.

Only interpolations are rendered; a template with `%{ if }`/`%{ for }` directives is Unknown
(we would rather say nothing than guess at its output).
"""
from __future__ import annotations

from typing import Any

from .diagnostic import InputError
from .functions import FileText, call_function
from .values import PartialFileText, PartialString, Unknown, contains_unknown


def render_template_file(ev, args: list, where=None) -> Any:
    if len(args) != 2 or not isinstance(args[1], dict) or contains_unknown(args[0]):
        return Unknown()
    text = call_function("file", [args[0]], ev.tree[0].module.directory, where)
    if not isinstance(text, FileText) or "%{" in text:
        return Unknown()
    from .parse import parse_template

    try:
        template = parse_template(str(text), text.source, 1, 1)
    except InputError:
        return Unknown()
    value = ev.materialize(ev.eval(template, None, dict(args[1])))
    if isinstance(value, PartialString):
        return PartialFileText(value.parts, text.source)
    if isinstance(value, str):
        return FileText(value, text.source)
    return Unknown()
