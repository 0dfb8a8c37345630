"""From an environment's `source_bucket_arn` to its `aws_s3_bucket`, and from that bucket to the
resources that configure it (`aws_s3_bucket_versioning`, `aws_s3_bucket_public_access_block`)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Optional

from ..evaluate import Instance
from ..model import Location
from ..provenance import origin_of
from ..values import PartialString, Unknown, join_parts, same_value
from .unread_modules import given_to_unread_module

_ARN_PREFIX = re.compile(r"arn:aws(-[a-z]+)*:s3:::")


def source_buckets(context) -> Iterator[tuple[Instance, Any]]:
    """(aws_s3_bucket instance, first environment using it) for every source bucket we can see.

    A bucket shared by several environments comes once, so its problem is reported once.
    """
    seen: set = set()
    for env in context.environments():
        bucket = source_bucket(env)
        if bucket is not None and id(bucket) not in seen:
            seen.add(id(bucket))
            yield bucket, env


def source_bucket(env) -> Optional[Any]:
    """The aws_s3_bucket instance `source_bucket_arn` designates, or None if it is not in the code."""
    ev = env.ev
    arn = env.attr("source_bucket_arn")
    target = ev.target(arn)
    if target is not None:
        if _is_bucket(target):
            return target  # aws_s3_bucket.dags.arn, directly or through vars, locals, outputs
        if not _is_bucket_data(target):
            return None
        name = ev.attr(target, "bucket")  # data "aws_s3_bucket": match its name below
    else:
        name = _name_in_arn(arn)
    if name is None:
        return None
    named = ev.target(name)  # "arn:aws:s3:::${aws_s3_bucket.dags.id}"
    if named is not None:
        return named if _is_bucket(named) else None
    for bucket in ev.all_instances("aws_s3_bucket"):
        if same_value(name, ev.attr(bucket, "bucket")) is True:
            return bucket
    return None


def configurations(ev, bucket, resource_type: str) -> tuple[list[Instance], bool]:
    """(instances of `resource_type` whose `bucket` is this bucket, unsure).

    `unsure` is True when some other instance might configure it too (its `bucket` cannot be
    resolved), or when the bucket is handed to a module we cannot read: a rule that would
    report "nothing configures it" must then stay silent.
    """
    found: list[Instance] = []
    unsure = False
    for inst in ev.all_instances(resource_type):
        same = refers_to_bucket(ev, ev.attr(inst, "bucket"), bucket)
        if same:
            found.append(inst)
        elif same is None:
            unsure = True
    return found, unsure or given_to_unread_module(ev, lambda value: refers_to_bucket(ev, value, bucket) is True)


def refers_to_bucket(ev, value: Any, bucket) -> Optional[bool]:
    """Does a `bucket = ...` value (a reference or a bucket name) designate this bucket?"""
    target = ev.target(value)
    if target is not None and _is_bucket_data(target):
        value = ev.attr(target, "bucket")  # data "aws_s3_bucket": compare the name it looks up
        target = ev.target(value)
    if target is not None:
        return target is bucket
    name = ev.attr(bucket, "bucket")
    if name is None:
        # a name S3 generates (bucket_prefix, or no name) cannot be written as a literal
        return None if isinstance(value, Unknown) else False
    return same_value(value, name)


def _name_in_arn(arn: Any) -> Any:
    """The bucket name part of "arn:aws:s3:::NAME" (a str, a partial string or a reference)."""
    if isinstance(arn, PartialString):
        parts = list(arn.parts)
    elif isinstance(arn, str) and not isinstance(arn, Unknown):
        parts = [str(arn)]
    else:
        return None
    match = _ARN_PREFIX.match(parts[0]) if isinstance(parts[0], str) else None
    if match is None:
        return None
    rest = [parts[0][match.end():], *parts[1:]]
    if rest[0] == "" and len(rest) == 2:
        return rest[1]  # keep a lone reference a reference, so it can be followed
    return join_parts(rest)


def _is_bucket(instance) -> bool:
    return instance.block.type == "resource" and instance.block.labels[0] == "aws_s3_bucket"


def _is_bucket_data(instance) -> bool:
    return instance.block.type == "data" and instance.block.labels[0] == "aws_s3_bucket"


def source_arn_related(env) -> tuple[tuple[Location, str], ...]:
    """The `related` entry pointing at where the environment's source_bucket_arn is written."""
    attribute = env.attribute("source_bucket_arn")
    if attribute is None:
        return ()
    origin = origin_of(env.ev, attribute.expr, env.instance)
    return ((origin.loc or attribute.loc, f"source_bucket_arn of {env.address}"),)


def written(ev, attribute, instance) -> tuple[Location, str]:
    """(location, " (passed to module.x)" or "") of where an attribute's value was written:
    the module caller's argument when the value is a `var.*` passed in."""
    origin = origin_of(instance.ev or ev, attribute.expr, instance)
    return origin.loc or attribute.loc, f" ({origin.passed_to()})" if origin.calls else ""
