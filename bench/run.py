"""Benchmark mwaa-lint (and checkov, if installed) on a generated Terraform monorepo.

    python bench/run.py [--runs 5] [--scales 1,2,4] [--mwaa-lint PATH] [--checkov PATH]

Generates the trees (bench/generate.py) in a temporary directory, then times whole processes
(wall clock, peak RSS from os.wait4) round-robin over --runs rounds, so that every ratio
compares numbers measured in the same run. See bench/README.md for what each line means.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import MISSING_SOURCE, generate  # noqa: E402

BENCH = Path(__file__).resolve().parent
# checkov's checks on aws_mwaa_environment (grep checkov/terraform/checks for "mwaa"):
# scheduler / worker / webserver logs enabled, and not publicly accessible.
CHECKOV_MWAA_CHECKS = "CKV_AWS_242,CKV_AWS_243,CKV_AWS_244,CKV2_AWS_66"
PRECOMMIT_STACK, PRECOMMIT_FILES = "airflow/stack-001", ("iam.tf", "mwaa.tf", "network.tf")
FLAT_SCALE = 8  # the irrelevant part's size for the flatness targets (cold and warm within 1.3x of x1)
# The parse floor: python-hcl2 turning just the files the environments need into syntax trees,
# in a process of its own (start-up and the parser's construction included, as for mwaa-lint).
FLOOR_SCRIPT = """
import json, sys
import hcl2
parse = getattr(hcl2, "parses_to_tree", None) or hcl2.parses
for name in json.load(open(sys.argv[1])):
    with open(name, encoding="utf-8") as handle:
        parse(handle.read())
"""


def measure(cmd: list, env: dict) -> dict:
    """Run cmd once; wall seconds, peak RSS (MB) of the process (or its largest child), exit code, output."""
    # An installed package runs from compiled byte code; PYTHONDONTWRITEBYTECODE (set on some
    # CI images) would make every run compile every module again and measure that instead.
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone, unlike RUSAGE_CHILDREN
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "rss": usage.ru_maxrss / 1024, "rc": proc.returncode,
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


class Scenario:
    """One line of the report: a command and the measurements of each round."""

    def __init__(self, label: str, make_cmd, fresh_cache: bool = True):
        self.label, self.make_cmd, self.fresh_cache = label, make_cmd, fresh_cache
        self.results: list = []

    def run_once(self, scratch: Path) -> dict:
        # a fresh XDG_CACHE_HOME per run, so a default user cache can never make a "cold" run warm
        cache_home = Path(tempfile.mkdtemp(dir=scratch)) if self.fresh_cache else scratch / "shared-cache-home"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
        result = measure(self.make_cmd(), env)
        self.results.append(result)
        return result

    def median(self) -> float:
        return statistics.median(r["wall"] for r in self.results)

    def line(self) -> str:
        walls = [r["wall"] for r in self.results]
        codes = ",".join(sorted({str(r["rc"]) for r in self.results}))
        spread = f"{min(walls):.2f}–{max(walls):.2f} s"
        return f"  {self.label:<44} {fmt(self.median()):>8}   {spread:<15} {max(r['rss'] for r in self.results):6.0f} MB   {codes}"


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def lint_flags(lint: str) -> set:
    """Which optional flags this mwaa-lint has (the benchmark adapts to the version under test)."""
    text = subprocess.run([lint, "check", "--help"], capture_output=True, text=True).stdout
    return {flag for flag in ("--no-cache", "--cache-dir", "--statistics", "--jobs") if flag in text}


def find_checkov(given) -> str | None:
    for candidate in (given, BENCH / ".venv-checkov" / "bin" / "checkov", shutil.which("checkov")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def parse_report(result: dict) -> str:
    """Sanity check of a JSON report: the generated tree must give findings and no diagnostics."""
    try:
        report = json.loads(result["stdout"])
    except ValueError:
        return f"not JSON (exit {result['rc']}): {result['stderr'].strip()[:300]}"
    diagnostics = report.get("diagnostics", [])
    verdict = "ok" if result["rc"] == 1 and not diagnostics and report["findings"] else "UNEXPECTED"
    extra = "; ".join(f"{d.get('path')}: {d.get('message')}" for d in diagnostics[:3])
    return f"{verdict}: exit {result['rc']}, {len(report['findings'])} findings, {len(diagnostics)} diagnostics {extra}"


def parse_partial_report(result: dict) -> str:
    """The --partial tree: findings, and as diagnostics only the missing module source of each of
    its two live roots (exit 2)."""
    try:
        report = json.loads(result["stdout"])
    except ValueError:
        return f"not JSON (exit {result['rc']}): {result['stderr'].strip()[:300]}"
    diagnostics = report.get("diagnostics", [])
    missing = [d for d in diagnostics if d.get("message", "").endswith(f"{MISSING_SOURCE} is not a directory")]
    ok = result["rc"] == 2 and len(missing) == len(diagnostics) == 2 and report["findings"]
    return (f"{'ok' if ok else 'UNEXPECTED'}: exit {result['rc']}, {len(report['findings'])} findings, "
            f"{len(diagnostics)} diagnostics ({len(missing)} missing module sources)")


def files_parsed_vs_read(lint: str, flags: set, tree: Path, cold: Scenario) -> str:
    """mwaa-lint's own counts, if it reports any (JSON summary keys or --statistics lines)."""
    summary = json.loads(cold.results[-1]["stdout"]).get("summary", {})
    counts = {k: v for k, v in summary.items() if re.search(r"pars|read", k)}
    if counts:
        return ", ".join(f"{k} {v}" for k, v in counts.items())
    if "--statistics" in flags:
        cmd = [lint, "check", str(tree), "--statistics"] + (["--no-cache"] if "--no-cache" in flags else [])
        result = measure(cmd, {**os.environ, "NO_COLOR": "1"})
        lines = [ln.strip() for ln in (result["stdout"] + result["stderr"]).splitlines() if re.search(r"\bpars|\bread", ln)]
        if lines:
            return " | ".join(lines)
        return "n/a (--statistics prints findings per rule, no parse counts)"
    return "n/a (mwaa-lint prints no such statistics)"


def relevant_files(tree: Path) -> list:
    """The files the MWAA environments need: every .tf of the stacks under airflow/ (their
    modules are inside them), which is what mwaa-lint parses of this tree."""
    return sorted(str(p) for p in (tree / "airflow").rglob("*.tf"))


def floor_command(lint: str, scratch: Path, tree: Path) -> list | None:
    """python-hcl2 alone on the relevant files, with the interpreter of mwaa-lint's environment."""
    python = Path(lint).resolve().parent / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import hcl2"], capture_output=True).returncode:
        return None
    script, listing = scratch / "parse_floor.py", scratch / "parse_floor_files.json"
    script.write_text(FLOOR_SCRIPT)
    listing.write_text(json.dumps(relevant_files(tree)))
    return [str(python), str(script), str(listing)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per measurement (default 5)")
    parser.add_argument("--scales", default="1,2,4", help="tree sizes for the flat/linear series (default 1,2,4)")
    parser.add_argument("--mwaa-lint", default=shutil.which("mwaa-lint"), help="mwaa-lint executable (default: on PATH)")
    parser.add_argument("--checkov", help="checkov executable (default: bench/.venv-checkov/bin/checkov, then PATH)")
    parser.add_argument("--no-checkov", action="store_true", help="skip checkov even if installed")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="generate the trees here and keep them (default: a temp dir)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress goes to stderr; keep the two in order
    if not args.mwaa_lint:
        parser.error("mwaa-lint not found on PATH; pass --mwaa-lint PATH")
    lint, scales = args.mwaa_lint, sorted({int(s) for s in args.scales.split(",")} | {1})
    flags = lint_flags(lint)
    checkov = None if args.no_checkov else find_checkov(args.checkov)

    work = args.keep or Path(tempfile.mkdtemp(prefix="mwaa-lint-bench-"))
    scratch = work / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    trees = {}  # (irrelevant scale, mwaa scale) -> (path, counts)
    for key in sorted({(1, 1), (FLAT_SCALE, 1)} | {(s, 1) for s in scales} | {(1, s) for s in scales}):
        path = work / f"tree-irrelevant{key[0]}-mwaa{key[1]}"
        if path.exists():
            shutil.rmtree(path)
        trees[key] = (path, generate(path, key[0], key[1], args.seed))
    base, counts = trees[(1, 1)]
    # the scale-1 tree plus what real monorepos add (generate.write_partial): its own cold and warm lines
    partial = work / "tree-partial"
    if partial.exists():
        shutil.rmtree(partial)
    partial_counts = generate(partial, 1, 1, args.seed, partial=True)

    # cold: no cache at all if the tool can say so; otherwise an empty --cache-dir per run
    def cold_cmd(tree: Path, *targets) -> list:
        cmd = [lint, "check", *(targets or [str(tree)]), "--format", "json"]
        if "--no-cache" in flags:
            return cmd + ["--no-cache"]
        if "--cache-dir" in flags:
            return cmd + ["--cache-dir", tempfile.mkdtemp(dir=scratch)]
        return cmd

    warm_dir = scratch / "warm-cache"
    warm_cmd = [lint, "check", str(base), "--format", "json", "--cache-dir", str(warm_dir)]
    precommit = [str(base / PRECOMMIT_STACK / f) for f in PRECOMMIT_FILES]

    version = Scenario("mwaa-lint --version", lambda: [lint, "--version"])
    floor_cmd = floor_command(lint, scratch, base)
    floor = Scenario(f"parse floor (hcl2, {len(relevant_files(base))} MWAA files)", lambda: floor_cmd)
    cold = Scenario("cold full tree", lambda: cold_cmd(base))
    fill = Scenario("cold full tree, filling a fresh --cache-dir", lambda: warm_cmd)
    warm = Scenario("warm: same command again, same --cache-dir", lambda: warm_cmd)
    pre = Scenario(f"pre-commit: 3 files of {PRECOMMIT_STACK}", lambda: cold_cmd(base, *precommit))
    pre_warm = Scenario("pre-commit, warm cache", lambda: [lint, "check", *precommit, "--format", "json", "--cache-dir", str(warm_dir)])
    ck = Scenario("checkov, MWAA checks only", lambda: [checkov, "-d", str(base), "--framework", "terraform",
                                                        "--check", CHECKOV_MWAA_CHECKS, "--quiet", "--compact", "--skip-download"])
    series = {key: Scenario(f"cold, irrelevant x{key[0]} mwaa x{key[1]}", lambda t=path: cold_cmd(t))
              for key, (path, _) in trees.items() if key != (1, 1)}
    series[(1, 1)] = cold
    # the same trees warm: each with a cache of its own, filled once before the timed rounds
    warm_series = {}
    if "--cache-dir" in flags:
        for key, (path, _) in trees.items():
            cache = scratch / f"series-cache-{key[0]}-{key[1]}"
            warm_series[key] = Scenario(f"warm, irrelevant x{key[0]} mwaa x{key[1]}",
                                        lambda t=path, c=cache: [lint, "check", str(t), "--format", "json", "--cache-dir", str(c)])
    partial_cold = Scenario("cold, with a partial checkout (--partial)", lambda: cold_cmd(partial))
    partial_warm_dir = scratch / "partial-warm-cache"
    partial_warm_cmd = [lint, "check", str(partial), "--format", "json", "--cache-dir", str(partial_warm_dir)]
    partial_warm = Scenario("warm, with a partial checkout", lambda: partial_warm_cmd)
    partial_lines = [partial_cold] + ([partial_warm] if "--cache-dir" in flags else [])
    rounds = [version] + ([floor] if floor_cmd else []) + [cold, pre] + ([fill, warm, pre_warm] if "--cache-dir" in flags else []) \
        + ([ck] if checkov else []) + [series[k] for k in sorted(series) if k != (1, 1)] \
        + [warm_series[k] for k in sorted(warm_series)] + partial_lines

    print(f"mwaa-lint  {lint}  ({subprocess.run([lint, '--version'], capture_output=True, text=True).stdout.strip()});"
          f" optional flags found: {' '.join(sorted(flags)) or 'none'}")
    if checkov:
        ck_version = subprocess.run([checkov, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"checkov    {checkov}  ({ck_version}); --check {CHECKOV_MWAA_CHECKS}")
    else:
        print("checkov    not installed: python -m venv bench/.venv-checkov && bench/.venv-checkov/bin/pip install checkov")
    print(f"machine    {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    print(f"tree       {base}: {counts['tf_files']} .tf files in {counts['directories']} directories"
          f" ({counts['mwaa_tf_files']} in 10 MWAA stacks); {args.runs} timed runs each, round-robin")
    print(f"partial    {partial}: {partial_counts['tf_files']} .tf files in {partial_counts['directories']} directories"
          f" (the tree above, plus a partial checkout and a stack fed by variable files, with a 50,000-line"
          f" generated file)\n")

    measure([lint, "--version"], dict(os.environ))  # untimed warm-up: byte-code compiled, files in the OS page cache
    for scenario in [*warm_series.values(), *partial_lines[1:]]:
        measure(scenario.make_cmd(), dict(os.environ))  # untimed: fills that tree's cache
    for round_no in range(args.runs):
        print(f"round {round_no + 1}/{args.runs} ...", file=sys.stderr, flush=True)
        if warm_dir.exists():
            shutil.rmtree(warm_dir)  # each round: fill a fresh cache, then reuse it
        for scenario in rounds:
            scenario.run_once(scratch)

    print(f"  {'measurement':<44} {'median':>8}   {'min–max':<15} {'peak RSS':>9}   exit")
    shown = [version] + ([floor] if floor_cmd else []) + [cold, pre]
    shown += ([fill, warm, pre_warm] if "--cache-dir" in flags else []) + ([ck] if checkov else []) + partial_lines
    for scenario in shown:
        print(scenario.line())
    if "--cache-dir" not in flags:
        print("  warm: no cache support yet")
    if not checkov:
        print("  checkov: not installed")

    print("\nchecks")
    print(f"  cold run report: {parse_report(cold.results[-1])}")
    print(f"  pre-commit report: {parse_report(pre.results[-1])}")
    for key in sorted(series):
        if key != (1, 1):
            print(f"  report, irrelevant x{key[0]} mwaa x{key[1]}: {parse_report(series[key].results[-1])}")
    if "--cache-dir" in flags:  # a cache must not change the result
        same = json.loads(warm.results[-1]["stdout"])["findings"] == json.loads(cold.results[-1]["stdout"])["findings"]
        print(f"  warm findings identical to cold: {'yes' if same else 'NO'}")
    print(f"  files parsed vs files read: {files_parsed_vs_read(lint, flags, base, cold)}")
    if "--cache-dir" in flags and "--statistics" in flags:  # what the warm run still did
        result = measure([lint, "check", str(base), "--format", "concise", "--statistics", "--cache-dir", str(warm_dir)],
                         {**os.environ, "NO_COLOR": "1"})
        lines = [ln.strip() for ln in result["stdout"].splitlines() if re.search(r"\bpars|\bread", ln)]
        print(f"  warm run: {' | '.join(lines) or 'n/a'}")
    print(f"  partial checkout report: {parse_partial_report(partial_cold.results[-1])}")
    if "--cache-dir" in flags:
        same = all(json.loads(partial_warm.results[-1]["stdout"])[key] == json.loads(partial_cold.results[-1]["stdout"])[key]
                   for key in ("findings", "diagnostics"))
        print(f"  partial checkout, warm findings and diagnostics identical to cold: {'yes' if same else 'NO'}")
    if "--statistics" in flags:
        for label, cmd in (("cold", [lint, "check", str(partial), "--format", "concise", "--statistics", "--no-cache"]),
                           ("warm", [*partial_warm_cmd[:3], "--format", "concise", "--statistics", "--cache-dir",
                                     str(partial_warm_dir)])):
            if label == "warm" and "--cache-dir" not in flags:
                continue
            result = measure(cmd, {**os.environ, "NO_COLOR": "1"})
            lines = [ln.strip() for ln in result["stdout"].splitlines() if re.search(r"\bpars|\bread", ln)]
            print(f"  partial checkout, {label} run: {' | '.join(lines) or 'n/a'}")

    print("\nratios (medians of this run)            measured   target")
    if checkov:
        print(f"  checkov / mwaa-lint cold                 {ck.median() / cold.median():6.1f}x    >= 20x")
    print("  cold / warm                              " +
          (f"{cold.median() / warm.median():6.1f}x" if "--cache-dir" in flags else "   n/a ") + "    >= 3x")
    print("  cold / warm, with a partial checkout     " +
          (f"{partial_cold.median() / partial_warm.median():6.1f}x" if "--cache-dir" in flags else "   n/a ") + "    >= 6x")
    print(f"  pre-commit (3 files)                     {fmt(pre.median()):>7}    < 0.6 s")
    print(f"  --version                                {fmt(version.median()):>7}    < 0.25 s")
    print(f"  peak RSS, cold full tree                 {max(r['rss'] for r in cold.results):5.0f} MB   < 300 MB")

    print("\nissue 20 targets (ratios of this run's medians)")
    if floor_cmd:
        print(f"  cold / parse floor                       {cold.median() / floor.median():6.2f}x    <= 1.3x")
    if "--cache-dir" in flags:
        print(f"  cold / warm                              {cold.median() / warm.median():6.2f}x    >= 6x")
    flat = (FLAT_SCALE, 1)
    print(f"  cold, irrelevant x{FLAT_SCALE} / x1                {series[flat].median() / cold.median():6.2f}x    <= 1.3x")
    if warm_series:
        print(f"  warm, irrelevant x{FLAT_SCALE} / x1                "
              f"{warm_series[flat].median() / warm_series[(1, 1)].median():6.2f}x    <= 1.3x")
    all_rss = [r["rss"] for scenario in rounds for r in scenario.results if scenario not in (version, floor, ck)]
    print(f"  peak RSS, every mwaa-lint run            {max(all_rss):5.0f} MB   < 300 MB")

    for kind, runs in (("cold", series), ("warm", warm_series)):
        if not runs:
            continue
        print(f"\ncost vs tree size ({kind}, median; ratio to x1; flat = 1.0, linear = the scale)")
        for label, keys in (("irrelevant part grows", sorted({(s, 1) for s in scales} | {(FLAT_SCALE, 1)})),
                            ("MWAA part grows", [(1, s) for s in scales])):
            cells = []
            for key in keys:
                n = trees[key][1]
                cells.append(f"x{max(key)}: {fmt(runs[key].median())} ({runs[key].median() / runs[(1, 1)].median():.2f}; "
                             f"{n['tf_files']} files, {n['mwaa_tf_files']} MWAA)")
            print(f"  {label:<22} " + "   ".join(cells))

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
