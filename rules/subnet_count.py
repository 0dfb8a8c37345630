from collections.abc import Iterator
from itertools import combinations
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Resource, Rule, Severity, Unknown, file_line, same_value, table

_EXACT_CLIQUE_LIMIT = 12  # beyond this many candidates, a greedy lower bound is enough


class SubnetCount(Rule):
    """The environment does not have exactly two subnets, or both are in one Availability Zone.

    ## What it does
    Counts the subnets in `network_configuration.subnet_ids` — a set, so the same subnet
    written twice counts once — and reports any number other than two. When both subnets are
    `aws_subnet` resources (or `data "aws_subnet"` lookups) whose `availability_zone` or
    `availability_zone_id` is known, it also reports two subnets in the same zone. It is silent
    when the list or the zones cannot be resolved.

    ## Why is this bad?
    The MWAA API accepts exactly two subnets and rejects any other number; Terraform only checks
    that there are at least two, so a third subnet (a VPC module's `private_subnets` in three
    AZs, say) fails at apply. MWAA also requires the two subnets to be in different
    Availability Zones, which is what keeps the environment up when one zone is not.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = ["subnet-0a", "subnet-0b", "subnet-0c"]
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = ["subnet-0a", "subnet-0b"]
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/API/API_NetworkConfiguration.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    """

    id = "MWAA103"
    slug = "subnet-count"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        required = table("network_configuration")["subnets"]["count"]
        resources = set(context.resources("aws_subnet"))  # two subnet resources are two subnets
        for env in context.environments():
            for subnet_ids, subnets in env.subnets():
                if any(v is None for v in subnet_ids.value):
                    continue
                classes = _classes(list(zip(subnet_ids.value, subnets)), resources)
                low, high = _clique(classes, resources), len(classes)
                if high < required or low > required:
                    if high < required:
                        held = f"{high} subnet{'s' if high != 1 else ''}"
                        repeated = next((group for group in classes if len(group) > 1), None)
                        if repeated is not None:
                            held += f" ({_label(repeated[0])} is listed {len(repeated)} times)"
                    else:
                        held = f"{'' if low == high else 'at least '}{low} subnets"
                    yield self.finding(
                        subnet_ids.loc,
                        f"network_configuration.subnet_ids holds {held}{subnet_ids.passed}; expected exactly "
                        f"{required} (the MWAA API rejects any other number)",
                        address=env.address,
                    )
                elif high == required == 2:
                    zone = _same_zone(context, classes[0][0], classes[1][0])
                    if zone is not None:
                        yield self.finding(
                            subnet_ids.loc,
                            f"network_configuration.subnet_ids{subnet_ids.passed} holds {zone}; expected two subnets "
                            "in different Availability Zones (MWAA requires them)",
                            address=env.address,
                        )


def _equal(a: tuple[Any, Resource | None], b: tuple[Any, Resource | None], resources: set[Resource]) -> bool | None:
    """True/False when two (subnet ID value, what it refers to) are known to be the same subnet or different ones."""
    (value_a, target_a), (value_b, target_b) = a, b
    if target_a is not None and target_b is not None:
        if target_a == target_b:
            return same_value(value_a, value_b)  # `.id` and `.id` are one subnet; `.id` and `.arn` cannot be compared
        if target_a in resources and target_b in resources:
            return False  # two subnet resources have two IDs
        return None
    return same_value(value_a, value_b)


def _classes(items: list[tuple[Any, Resource | None]], resources: set[Resource]) -> list[list[tuple[Any, Resource | None]]]:
    """Items grouped by known equality: the number of groups is the most subnets the set can hold."""
    classes: list[list[tuple[Any, Resource | None]]] = []
    for item in items:
        for group in classes:
            if _equal(group[0], item, resources) is True:
                group.append(item)
                break
        else:
            classes.append([item])
    return classes


def _clique(classes: list[list[tuple[Any, Resource | None]]], resources: set[Resource]) -> int:
    """The fewest subnets the set can hold: the largest group of classes known to differ pairwise."""
    heads = [group[0] for group in classes]
    differ = {(i, j) for i, j in combinations(range(len(heads)), 2) if _equal(heads[i], heads[j], resources) is False}
    if len(heads) <= _EXACT_CLIQUE_LIMIT:
        for size in range(len(heads), 1, -1):
            for subset in combinations(range(len(heads)), size):
                if all(pair in differ for pair in combinations(subset, 2)):
                    return size
        return min(len(heads), 1)
    chosen: list[int] = []
    for i in range(len(heads)):
        if all((j, i) in differ for j in chosen):
            chosen.append(i)
    return len(chosen)


def _same_zone(context: Context, a: tuple[Any, Resource | None], b: tuple[Any, Resource | None]) -> str | None:
    """`aws_subnet.a and aws_subnet.b, both in us-east-1a (...)` when both are known to share a zone."""
    first, second = a[1], b[1]
    if first is None or second is None:
        return None
    subnets = [first, second]
    if any(s.type != "aws_subnet" for s in subnets):
        return None
    for name in ("availability_zone", "availability_zone_id"):
        zones = [s.get(name) for s in subnets]
        if any(z is None for z in zones):
            continue
        if same_value(zones[0], zones[1]) is True:
            shown = zones[0] if not isinstance(zones[0], Unknown) else (zones[0].origin or "one zone")
            lines = ", ".join(dict.fromkeys(file_line(s.argument(name).attribute_loc or s.argument(name).loc, context) for s in subnets))
            return f"{subnets[0].address} and {subnets[1].address}, both in {name} {shown} ({lines})"
        return None
    return None


def _label(item: tuple[Any, Resource | None]) -> str:
    value, target = item
    if target is not None:
        return target.address
    return f'"{value}"' if isinstance(value, str) else (getattr(value, "origin", "") or "a subnet")
