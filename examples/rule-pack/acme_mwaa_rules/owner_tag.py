from mwaa_lint.api import Rule, Severity, Unknown


class EnvironmentOwnerTag(Rule):
    """An environment does not name its owner and cost center in its tags.

    ## What it does
    Reports an `aws_mwaa_environment` whose `tags` lack an `owner` or a `cost-center` tag, or
    leave one empty. It reports at `tags` (at the module caller's line when the tags were passed
    into a module), or at the resource when it has no `tags` at all. Tags built with `merge(...)`
    are judged by the map they produce; a tag whose value is not known until apply, or tags that
    cannot be resolved at all, are not judged. Tags added by the provider's `default_tags` are not
    seen. The option `tags` names the required tags (default `owner,cost-center`).

    ## Why is this bad?
    An environment runs schedulers and workers around the clock. Without an owner, nobody is
    paged when its DAGs fail, and nobody can say whether it may be deleted; without a cost
    center, its bill lands on the platform team. ACME's tagging policy requires both.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "analytics" {
      name = "analytics"
      tags = {
        team = "data-platform"
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "analytics" {
      name = "analytics"
      tags = {
        owner         = "data-platform"
        "cost-center" = "cc-4711"
      }
    }
    ```
    """

    id = "ACME001"
    slug = "environment-owner-tag"
    severity = Severity.WARNING
    options = {"tags": "owner,cost-center"}
    # This rule reads nothing but what mwaa_lint.api hands it, so mwaa-lint may keep its results
    # in the result cache (keyed on this pack's files) instead of checking everything again.
    reads_only_the_model = True

    def check(self, context):
        required = _names(self.opts["tags"])
        if not required:
            return
        for env in context.environments():
            tags = env.argument("tags")
            if not tags.written:
                yield self.finding(env.loc, f"no tags; expected {_wanted(required)}", address=env.address)
                continue
            value = {} if tags.value is None else tags.value
            if not isinstance(value, dict):
                continue  # not known until apply: not judged
            missing = [name for name in required if name not in value]
            empty = [name for name in required if name in value and _empty(value[name])]
            if not missing and not empty:
                continue
            problems = []
            if missing:
                problems.append(f"lack {_and(missing)}")
            if empty:
                problems.append(f"leave {_and(empty)} empty")
            yield self.finding(
                tags.loc,
                f"tags{tags.passed} {' and '.join(problems)}; expected {_wanted(required)}",
                address=env.address,
            )


def _names(option) -> list:
    """The `tags` option: "owner,cost-center" (from --rule-option) or a YAML list."""
    items = option if isinstance(option, (list, tuple)) else str(option).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _empty(value) -> bool:
    if isinstance(value, Unknown):
        return False  # known at apply only: not judged
    return value is None or str(value).strip() == ""


def _wanted(names: list) -> str:
    return f"a non-empty {names[0]} tag" if len(names) == 1 else f"non-empty {_and(names)} tags"


def _and(names: list) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
