"""From an environment's `*_s3_path` to the file on disk that Terraform uploads there."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..functions import FileText
from ..observations import note
from ..project import Refused
from ..project import current as current_project
from ..values import Unknown
from .s3_buckets import refers_to_bucket, source_bucket

_OBJECT_TYPES = ("aws_s3_object", "aws_s3_bucket_object")


def uploaded_file(ev, env, path_attribute: str) -> Optional[Path]:
    """The local file uploaded to the environment's bucket under `path_attribute`'s key."""
    key = env.attr(path_attribute)
    if not isinstance(key, str):
        return None
    bucket = source_bucket(env)
    for obj in _objects(ev):
        object_key = ev.attr(obj, "key")
        if not isinstance(object_key, str) or _normal(object_key) != _normal(key):
            continue
        if bucket is not None and refers_to_bucket(ev, ev.attr(obj, "bucket"), bucket) is False:
            continue
        found = _local_source(ev, obj)
        if found is not None:
            return found
    return None


def _objects(ev) -> list:
    return [obj for type_ in _OBJECT_TYPES for obj in ev.all_instances(type_)]


def _normal(key: str) -> str:
    return key.strip().lstrip("/")


def _local_source(ev, obj) -> Optional[Path]:
    content = ev.attr(obj, "content")
    if isinstance(content, FileText):
        return content.source
    source = ev.attr(obj, "source")
    if isinstance(source, str) and not isinstance(source, Unknown):
        path = Path(source)
        # a relative path is relative to the directory Terraform runs in: the root module's
        path = path if path.is_absolute() else ev.tree[0].module.directory / path
        attribute = obj.block.attr("source")
        note("file", path)
        try:  # the gate (project.py): a source outside the project is reported and not followed
            return path if current_project().is_file(path, where=attribute.loc if attribute else None) else None  # noted
        except Refused:
            return None
    return None


def uploaded_content(ev, env, path_attribute: str):
    """(text, path, first line, Location or None) of inline `content` uploaded under the key.

    A heredoc's lines map to file lines (the Location is None); a one-line quoted string
    cannot, so every finding points at the string itself (its Location).
    """
    key = env.attr(path_attribute)
    if not isinstance(key, str):
        return None
    for obj in _objects(ev):
        attribute = obj.block.attr("content")
        object_key = ev.attr(obj, "key")
        if attribute is None or not isinstance(object_key, str) or _normal(object_key) != _normal(key):
            continue
        content = ev.attr(obj, "content")
        if not isinstance(content, str) or isinstance(content, FileText):
            continue
        if getattr(attribute.expr, "heredoc", False):
            return str(content), obj.block.path, attribute.expr.loc.line + 1, None
        return str(content), obj.block.path, attribute.expr.loc.line, attribute.expr.loc
    return None
