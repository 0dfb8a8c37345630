from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Diagnostic, Finding, Rule, Severity


class InvalidSuppression(Rule):
    """A `mwaa-lint: ignore[...]` comment names no installed rule, or has an `until=` that is no date.

    ## What it does
    Checks every inline suppression (`# mwaa-lint: ignore[...]`, `ignore-file[...]`, also
    written with `//` or `/* */`) in the files it reports on. It reports each rule id, slug or
    prefix that matches no installed rule, and an `until=` that is not a `YYYY-MM-DD` date.
    An `until=` that is not a date never suppresses anything.

    ## Why is this bad?
    A suppression with a typo (`MWAA1O2`, `public-web-server`) silences nothing, so the
    finding it was meant to excuse keeps failing the gate, or — worse — the comment says an
    exception was reviewed while the rule it names does not exist. A date that cannot be read
    would otherwise make a temporary exception permanent.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      # mwaa-lint: ignore[MWAA999] accepted by the platform team
      webserver_access_mode = "PUBLIC_ONLY"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      # mwaa-lint: ignore[MWAA102] partner portal, reviewed by security until=2027-06-30
      webserver_access_mode = "PUBLIC_ONLY"
    }
    ```
    """

    id = "MWAA001"
    slug = "invalid-suppression"
    severity = Severity.WARNING
    stage = "suppressions"

    def check_suppressions(self, suppressions: Any) -> Iterator[Finding | Diagnostic]:
        for s in suppressions:
            where = "ignore-file" if s.file_level else "ignore"
            for selector in (sel for sel in s.selectors if not suppressions.rules_named(sel)):
                yield self.finding(s.loc, f"{where}[{selector}] names no installed rule, so it suppresses nothing; "
                                          "expected a rule id, slug or prefix from `mwaa-lint rules`")
            if not s.selectors:
                yield self.finding(s.loc, f"{where}[] names no rule; expected {where}[ID] with the rules it excuses")
            if s.bad_until:
                yield self.finding(s.loc, f"until={s.bad_until} is not a date, so this suppression is not applied; "
                                          "expected until=YYYY-MM-DD")
