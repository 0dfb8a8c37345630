from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Diagnostic, Finding, Rule, Severity


class UnusedSuppression(Rule):
    """A `mwaa-lint: ignore[...]` comment suppressed nothing, or has expired.

    ## What it does
    After the rules have run, reports each inline suppression that hid no finding — the
    problem was fixed, or the comment sits on the wrong line — and each one whose `until=`
    date has passed. A suppression is judged only when every rule it names ran in this check
    (so `--select MWAA2` does not call an MWAA102 suppression unused). Off by default, like
    ruff's unused-noqa: turn it on with `--select MWAA002` (or `select` in the config).

    ## Why is this bad?
    Stale suppressions pile up: they make a reader believe there is a reviewed exception
    where there is none, and they silently excuse the next problem written on that line.
    An expired suppression no longer hides its finding; the comment should be removed or
    renewed with a fresh review.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      # mwaa-lint: ignore[MWAA102] was public during the migration
      webserver_access_mode = "PRIVATE_ONLY"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                  = "analytics"
      webserver_access_mode = "PRIVATE_ONLY"
    }
    ```
    """

    id = "MWAA002"
    slug = "unused-suppression"
    severity = Severity.WARNING
    enabled_by_default = False
    stage = "suppressions"

    def check_suppressions(self, suppressions: Any) -> Iterator[Finding | Diagnostic]:
        for s in suppressions:
            if s.bad_until:
                continue  # MWAA001 reports it
            named = [rule for selector in s.selectors for rule in suppressions.rules_named(selector)]
            if not named or not all(rule in suppressions.ran for rule in named):
                continue  # a rule it names did not run here, so we cannot tell
            shown = ", ".join(s.selectors)
            if s.expired(suppressions.today):
                message = (f"ignore[{shown}] expired on {s.until.isoformat()} and no longer suppresses anything; "
                           "expected the comment removed, or renewed with a new until= date")
            elif not s.used:
                message = (f"ignore[{shown}] suppressed no finding; expected it removed (or moved onto the line "
                           "or block it excuses)")
            else:
                continue
            yield self.finding(s.loc, message)
