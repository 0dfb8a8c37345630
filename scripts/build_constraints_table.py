#!/usr/bin/env python3
"""Build mwaa_lint/knowledge/mwaa_constraints.json, the constraints MWAA applies to a user's
requirements.txt, from copies of the constraint files of the images MWAA runs.

    python scripts/build_constraints_table.py [SOURCE_DIR] [--check] [--output FILE]

SOURCE_DIR (default tests/fixtures/mwaa-images) is laid out like the image repository's
`images/airflow/`: `<version>/etc/airflow_constraints.txt` and
`<version>/etc/mwaa_essential_constraints.txt` for every Airflow version, and a SOURCE.md that
names the repository, the commit (with its date), the licence and NOTICE, and has a table
`| <Airflow> | <Python in the image> | … |` (the image's `ENV PYTHON_VERSION`).

Every pin (`name==version`) is kept, with its name normalised as PEP 503 says (`Flask_Caching`
is `flask-caching`); a line of another form, or a name listed twice, stops the build. The
Python minor version of SOURCE.md must be the one in the URL the airflow constraints file says
it was copied from. `--check` writes nothing and exits 1 when the committed table differs;
`--output` writes the table elsewhere (a replacement for the `knowledge-tables` setting).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / "tests" / "fixtures" / "mwaa-images"
TABLE = REPO / "mwaa_lint" / "knowledge" / "mwaa_constraints.json"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")
_COPIED_FROM = re.compile(r"https://raw\.githubusercontent\.com/apache/airflow/constraints-([^/\s]+)/constraints-(\d+\.\d+)\.txt")
_VERSION_ROW = re.compile(r"^\|\s*(\d+\.\d+\.\d+)\s*\|\s*(\d+\.\d+\.\d+)\s*\|")
_REGEX = "-c |--constraint "  # MWAA's `_requirements_has_constraints` (python/mwaa/utils/user_requirements.py)


class BuildError(Exception):
    pass


def pins(path: Path) -> dict[str, str]:
    """PEP 503 name → version of every `name==version` line; comments and blank lines skipped."""
    found: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        if match is None:
            raise BuildError(f"{path}:{number}: not a `name==version` pin: {line!r}")
        name = canonicalize_name(match.group(1))
        if name in found:
            raise BuildError(f"{path}:{number}: {name} is pinned twice")
        Version(match.group(2))  # raises InvalidVersion: a pin pip could not read
        found[name] = match.group(2)
    return dict(sorted(found.items()))


def source_facts(source_md: str) -> dict:
    """Repository, commit, date, licence, NOTICE and Python per Airflow version, from SOURCE.md."""
    def cell(label: str) -> str:
        match = re.search(rf"^\|\s*{label}\s*\|(.*)\|\s*$", source_md, re.M)
        if match is None:
            raise BuildError(f"SOURCE.md has no `| {label} |` row")
        return match.group(1)

    repository = re.search(r"https://github\.com/[\w.-]+/[\w.-]+", cell("Repository"))
    commit = re.search(r"`([0-9a-f]{40})`\s*\((\d{4}-\d{2}-\d{2})", cell("Commit"))
    licence = cell("Licence")
    notice = re.search(r'`NOTICE`:\s*"([^"]+)"', licence)
    if repository is None or commit is None or notice is None or "Apache License 2.0" not in licence:
        raise BuildError("SOURCE.md: the Repository, Commit or Licence row is not in the expected form")
    python = {m.group(1): m.group(2) for m in map(_VERSION_ROW.match, source_md.splitlines()) if m}
    return {"repository": repository.group(0), "commit": commit.group(1), "date": commit.group(2),
            "licence": "Apache-2.0", "notice": notice.group(1), "python": python}


def build(source: Path) -> dict:
    facts = source_facts((source / "SOURCE.md").read_text(encoding="utf-8"))
    versions: dict[str, dict] = {}
    directories = sorted((p for p in source.iterdir() if p.is_dir()), key=lambda p: Version(p.name))
    for directory in directories:
        airflow_file = directory / "etc" / "airflow_constraints.txt"
        essential_file = directory / "etc" / "mwaa_essential_constraints.txt"
        copied_from = _COPIED_FROM.search(airflow_file.read_text(encoding="utf-8"))
        python = facts["python"].get(directory.name)
        if copied_from is None or copied_from.group(1) != directory.name:
            raise BuildError(f"{airflow_file}: its header does not name the constraints of Airflow {directory.name}")
        if python is None or not python.startswith(copied_from.group(2) + "."):
            raise BuildError(f"SOURCE.md: Python {python} for Airflow {directory.name}, but {airflow_file} "
                             f"was copied from the constraints for Python {copied_from.group(2)}")
        versions[directory.name] = {
            "python": python,
            "constraints_url": copied_from.group(0),
            "essential": pins(essential_file),
            "airflow": pins(airflow_file),
        }
    if not versions:
        raise BuildError(f"{source}: no version directories")
    return {
        "title": "The constraints Amazon MWAA applies to a user's requirements.txt, per Airflow version",
        "source_date": facts["date"],
        "sources": {
            "IMG": f"{facts['repository']} at commit {facts['commit']} ({facts['date']}): "
                   "images/airflow/<version>/etc/mwaa_essential_constraints.txt and etc/airflow_constraints.txt; "
                   "the Python version is the image's ENV PYTHON_VERSION (Dockerfiles/Dockerfile.base)",
        },
        "licence": f"{facts['licence']} ({facts['repository']}); NOTICE: {facts['notice']}",
        "repository": facts["repository"],
        "commit": facts["commit"],
        "notes": [
            "Built by scripts/build_constraints_table.py from the copies in tests/fixtures/mwaa-images/; do not edit by hand.",
            "Names are PEP 503 normalised. 'essential' pins always apply (safe-pip-install is "
            "`pip3 install --constraint $MWAA_ESSENTIAL_CONSTRAINTS_FILE`); 'airflow' pins apply when no line of "
            "requirements.txt matches constraint_regex (MWAA then adds `-c $AIRFLOW_CONSTRAINTS_FILE`), or when "
            "requirements.txt names constraints_url itself.",
            "Airflow versions MWAA supports without a directory in the image repository (2.7.2, 2.8.1) have no row: "
            "rules that need these pins stay silent for them.",
        ],
        "constraint_regex": _REGEX,
        "versions": versions,
    }


def render(data: dict) -> str:
    """Indented JSON, except that each map of pins is one line (the table stays small to diff by version)."""
    head = {k: v for k, v in data.items() if k != "versions"}
    text = json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "versions": {\n'
    rows = []
    for version, row in data["versions"].items():
        fields = ",\n".join(f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(', ', ': '))}"
                            for k, v in row.items())
        rows.append(f"    {json.dumps(version)}: {{\n{fields}\n    }}")
    return text + ",\n".join(rows) + "\n  }\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="compare with the committed table; write nothing")
    parser.add_argument("--output", type=Path, default=TABLE, help="where to write the table (default: the package's)")
    args = parser.parse_args(argv)
    try:
        text = render(build(args.source))
    except BuildError as exc:
        print(f"build_constraints_table: {exc}", file=sys.stderr)
        return 2
    if args.check:
        same = TABLE.read_text(encoding="utf-8") == text
        print(f"{TABLE.relative_to(REPO)} is {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {len(json.loads(text)['versions'])} Airflow versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
