"""The pack holds to mwaa-lint's rule contract: its modules import `mwaa_lint.api`, the standard
library and each other, nothing else (so an mwaa-lint release that keeps the API keeps the pack)."""
import ast
import sys
from pathlib import Path

import acme_mwaa_rules

PACKAGE = Path(acme_mwaa_rules.__file__).parent


def _imports(path: Path) -> set:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_rule_api_and_the_standard_library():
    modules = sorted(PACKAGE.glob("*.py"))
    outside = {p.name: sorted(name for name in _imports(p)
                              if name != "mwaa_lint.api" and name.split(".")[0] not in sys.stdlib_module_names)
               for p in modules}
    assert outside == {p.name: [] for p in modules}
