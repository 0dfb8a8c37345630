"""`--statistics`: how many findings each rule produced, most first (as ruff prints them)."""
from __future__ import annotations

from collections import Counter

from ..result import Result


def render(result: Result, color: bool = False) -> str:
    counts = Counter((f.rule_id, f.slug, str(f.severity)) for f in result.findings)
    s = result.stats
    work = (f"{s.files_read} Terraform files read, {s.files_parsed} parsed, {s.files_from_cache} from the parse cache; "
            f"{s.directories_skipped} directories skipped (no aws_mwaa_environment in reach); "
            f"{s.roots_reused} root module{'' if s.roots_reused == 1 else 's'} answered from the result cache\n")
    work += "".join(f"warning: {line}\n" for line in s.unmatched_patterns)
    work += "".join(f"note: {note}\n" for note in result.notes)
    if not counts:
        return "No findings.\n" + work
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{n:>{width}}  {rule_id}  {slug}  [{severity}]\n" for (rule_id, slug, severity), n in rows) + work
