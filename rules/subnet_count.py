import os
from itertools import combinations

from mwaa_lint.knowledge import table
from mwaa_lint.provenance import setting
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import Unknown, same_value

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

    def check(self, context):
        required = table("network_configuration")["subnets"]["count"]
        for env in context.environments():
            ev = env.ev
            for attribute, values in env.network_lists("subnet_ids"):
                if any(v is None for v in values):
                    continue
                origin = setting(ev, attribute.expr, env.instance)
                where = origin.loc or attribute.loc
                passed = f" ({origin.passed_to()} for {env.address})" if origin.calls else ""
                classes = _classes(ev, values)
                low, high = _clique(ev, classes), len(classes)
                if high < required or low > required:
                    if high < required:
                        held = f"{high} subnet{'s' if high != 1 else ''}"
                        repeated = next((group for group in classes if len(group) > 1), None)
                        if repeated is not None:
                            held += f" ({_label(ev, repeated[0])} is listed {len(repeated)} times)"
                    else:
                        held = f"{'' if low == high else 'at least '}{low} subnets"
                    yield self.finding(
                        where,
                        f"network_configuration.subnet_ids holds {held}{passed}; expected exactly {required} "
                        "(the MWAA API rejects any other number)",
                        address=env.address,
                    )
                elif high == required == 2:
                    zone = _same_zone(ev, classes[0][0], classes[1][0])
                    if zone is not None:
                        yield self.finding(
                            where,
                            f"network_configuration.subnet_ids{passed} holds {zone}; expected two subnets in "
                            "different Availability Zones (MWAA requires them)",
                            address=env.address,
                        )


def _equal(ev, a, b):
    """True/False when two subnet ID values are known to be the same subnet or different ones."""
    ta, tb = ev.target(a), ev.target(b)
    if ta is not None and tb is not None:
        if ta is tb:
            return True if getattr(a, "attr", None) == getattr(b, "attr", None) else None
        if all(t.block.type == "resource" and t.block.labels[0] == "aws_subnet" for t in (ta, tb)):
            return False  # two subnet resources have two IDs
        return None
    return same_value(a, b)


def _classes(ev, values: list) -> list:
    """Values grouped by known equality: the number of groups is the most subnets the set can hold."""
    classes: list = []
    for value in values:
        for group in classes:
            if _equal(ev, group[0], value) is True:
                group.append(value)
                break
        else:
            classes.append([value])
    return classes


def _clique(ev, classes: list) -> int:
    """The fewest subnets the set can hold: the largest group of classes known to differ pairwise."""
    heads = [group[0] for group in classes]
    differ = {(i, j) for i, j in combinations(range(len(heads)), 2) if _equal(ev, heads[i], heads[j]) is False}
    if len(heads) <= _EXACT_CLIQUE_LIMIT:
        for size in range(len(heads), 1, -1):
            for subset in combinations(range(len(heads)), size):
                if all(pair in differ for pair in combinations(subset, 2)):
                    return size
        return min(len(heads), 1)
    chosen: list = []
    for i in range(len(heads)):
        if all((j, i) in differ for j in chosen):
            chosen.append(i)
    return len(chosen)


def _same_zone(ev, a, b):
    """`aws_subnet.a and aws_subnet.b, both in us-east-1a (...)` when both are known to share a zone."""
    subnets = [ev.target(a), ev.target(b)]
    if any(s is None or s.block.labels[0] != "aws_subnet" for s in subnets):
        return None
    for name in ("availability_zone", "availability_zone_id"):
        zones = [ev.attr(s, name) for s in subnets]
        if any(z is None for z in zones):
            continue
        if same_value(zones[0], zones[1]) is True:
            shown = zones[0] if not isinstance(zones[0], Unknown) else (zones[0].origin or "one zone")
            lines = ", ".join(dict.fromkeys(_where(ev, s.block.attr(name).loc) for s in subnets))
            return f"{subnets[0].address} and {subnets[1].address}, both in {name} {shown} ({lines})"
        return None
    return None


def _where(ev, loc) -> str:
    """`modules/vpc/main.tf:12`, relative to the root module, so it reads the same from any cwd."""
    root = ev.tree[0].module.directory.absolute()
    return f"{os.path.relpath(loc.path.absolute(), root)}:{loc.line}"


def _label(ev, value) -> str:
    target = ev.target(value)
    if target is not None:
        return target.address
    return f'"{value}"' if isinstance(value, str) else (getattr(value, "origin", "") or "a subnet")
