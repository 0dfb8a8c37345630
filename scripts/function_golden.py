#!/usr/bin/env python3
"""Record what Terraform's own functions and operators return, as the golden table the
evaluator is tested against (tests/test_fidelity_functions.py; Terraform is not needed there).

Reads tests/fixtures/fidelity/functions/cases.txt (one expression a line) and writes golden.json
beside it: for each expression, `jsonencode(expression)` as Terraform computes it (so the type is
explicit: "1" is a string, 1 a number), the error Terraform gives, or that the result is unknown
even to Terraform ("(known after apply)", e.g. `format("%s", null)`).

    python scripts/function_golden.py [--terraform PATH]

`terraform console` run on a pipe evaluates every line but prints only the last result and stops
at the first error, so a batch of cases is one line, `base64encode(jsonencode([jsonencode(e1),
jsonencode(e2), ...]))` (base64: nothing in the printed string needs HCL unescaping). A batch
that fails is split in halves until the failing cases stand alone; each of those is an error case.
It runs in an empty temporary directory with an empty CLI configuration: no providers, no network.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import queue
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fidelity" / "functions"
CASES, GOLDEN = HERE / "cases.txt", HERE / "golden.json"
EXPECTED_VERSION = "1.11.4"
MAX_LINE = 30_000  # characters in one console line (Go's line scanner stops at 64 KiB)


def read_cases(path: Path) -> list[tuple[str, str]]:
    """(section, expression) for every case line; `## name` lines start a section."""
    section, cases, seen = "", [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.strip() and not line.startswith("#"):
            if line in seen:
                sys.exit(f"duplicate case: {line}")
            seen.add(line)
            cases.append((section, line))
    return cases


class Console:
    def __init__(self, terraform: str):
        self.terraform = terraform
        self.workdir = tempfile.TemporaryDirectory(prefix="function-golden-")
        config = Path(self.workdir.name) / "empty.tfrc"
        config.write_text("")
        self.env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        self.env.pop("TF_LOG", None)
        self.runs = 0

    def version(self) -> str:
        out = subprocess.run([self.terraform, "version", "-json"], capture_output=True, text=True, env=self.env, check=True)
        return json.loads(out.stdout)["terraform_version"]

    def line(self, text: str) -> tuple[bool, str]:
        """(True, printed result) or (False, the error Terraform printed)."""
        self.runs += 1
        out = subprocess.run(
            [self.terraform, "console", "-no-color"], input=text + "\n", capture_output=True, text=True,
            env=self.env, cwd=self.workdir.name, timeout=120,
        )
        if out.returncode == 0:
            return True, out.stdout.strip()
        return False, (out.stderr or out.stdout).strip()

    def evaluate(self, expressions: list[str]) -> list[dict]:
        """One result dict per expression: {"json": text} or {"error": summary}."""
        if not expressions:
            return []
        line = "base64encode(jsonencode([" + ", ".join(f"jsonencode({e})" for e in expressions) + "]))"
        if len(line) > MAX_LINE and len(expressions) > 1:
            return self._split(expressions)
        ok, printed = self.line(line)
        if ok and printed == "(known after apply)" and len(expressions) == 1:
            return [{"unknown": True}]  # e.g. format("%s", null): Terraform itself does not know
        if ok and printed.startswith('"'):
            texts = json.loads(base64.b64decode(json.loads(printed)).decode("utf-8"))
            assert len(texts) == len(expressions)
            return [{"json": t} for t in texts]
        if len(expressions) > 1:
            return self._split(expressions)
        return [{"error": _summary(printed)}] if not ok else [{"printed": printed}]

    def _split(self, expressions: list[str]) -> list[dict]:
        half = len(expressions) // 2
        return self.evaluate(expressions[:half]) + self.evaluate(expressions[half:])


def _summary(printed: str) -> str:
    """`Error: <title>: <first line of the detail>` from Terraform's diagnostic text."""
    lines = [ln.strip() for ln in printed.splitlines()]
    title = next((ln for ln in lines if ln.startswith("Error:")), lines[0] if lines else "error")
    rest = lines[lines.index(title) + 1 :] if title in lines else []
    detail = [ln for ln in rest if ln and not ln.startswith("on <console-input>") and ln != "(source code not available)"]
    return f"{title}: {detail[0]}" if detail else title


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terraform", default="terraform")
    parser.add_argument("--batch", type=int, default=40, help="cases per console run")
    parser.add_argument("--jobs", type=int, default=2, help="console runs at once")
    args = parser.parse_args()
    consoles = [Console(args.terraform) for _ in range(args.jobs)]  # each in a directory of its own
    version = consoles[0].version()
    if version != EXPECTED_VERSION:
        print(f"warning: Terraform {version}, the table is meant for {EXPECTED_VERSION}", file=sys.stderr)
    cases = read_cases(CASES)
    batches = [[expr for _, expr in cases[start : start + args.batch]] for start in range(0, len(cases), args.batch)]
    idle: queue.Queue = queue.Queue()
    for console in consoles:
        idle.put(console)

    def run(batch: list[str]) -> list[dict]:
        console = idle.get()  # a console (and its directory) is used by one batch at a time
        try:
            return console.evaluate(batch)
        finally:
            idle.put(console)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = [result for batch in pool.map(run, batches) for result in batch]
    table = {
        "terraform_version": version,
        "generated": datetime.date.today().isoformat(),
        "generated_by": "scripts/function_golden.py (terraform console; each result is jsonencode(expr))",
        "cases": [{"section": section, "expr": expr, **result} for (section, expr), result in zip(cases, results)],
    }
    GOLDEN.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    errors = sum("error" in r for r in results)
    runs = sum(console.runs for console in consoles)
    print(f"{len(cases)} cases ({errors} errors) in {runs} console runs -> {GOLDEN}")


if __name__ == "__main__":
    main()
