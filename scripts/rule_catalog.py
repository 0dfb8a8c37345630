"""Write rules/catalog.json: the built-in rules' metadata, docstrings and file digests, so
that a run need not import them (mwaa_lint/rule_catalog.py). Run after adding or editing a
rule: `python scripts/rule_catalog.py`; tests/test_rule_catalog.py fails until then."""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mwaa_lint.rule_catalog import CATALOG, write  # noqa: E402
from rules import imported_rules  # noqa: E402  # the checkout's rules, whatever is installed

if __name__ == "__main__":
    (REPO / "rules" / CATALOG).write_text(write(imported_rules(), REPO / "rules"), encoding="utf-8")
    print(f"wrote rules/{CATALOG}")
