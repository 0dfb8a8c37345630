"""`templatefile(path, vars)`: read the template, evaluate its `${...}` with those variables.

Interpolations and `%{ if }`/`%{ for }` directives (strip markers included) are rendered as
Terraform renders them; whatever depends on an unknown is unknown.
"""
from __future__ import annotations

from typing import Any

from .diagnostic import InputError
from .functions import FileText, call_function
from .values import PartialFileText, PartialString, RenderedText, Unknown, contains_unknown


def render_template_file(ev, args: list, where=None) -> Any:
    if len(args) != 2 or not isinstance(args[1], dict) or contains_unknown(args[0]):
        return Unknown()
    text = call_function("file", [args[0]], ev.tree[0].module.directory, where)
    if not isinstance(text, FileText):
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
        return RenderedText(value, text.source)
    return Unknown()
