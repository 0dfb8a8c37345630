import ipaddress

from mwaa_lint import model as m
from mwaa_lint.aws.iam import refers_to
from mwaa_lint.provenance import setting
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import LocatedStr, Unknown, same_value

_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


class OpenSecurityGroup(Rule):
    """A security group of the environment allows ingress from anywhere (0.0.0.0/0 or ::/0).

    ## What it does
    Follows each group in `network_configuration.security_group_ids` — an `aws_security_group`
    (or `aws_default_security_group`) resource, or a literal `sg-…` ID — and reports every
    ingress rule that admits `0.0.0.0/0` or `::/0`: inline `ingress` blocks (dynamic ones
    too), `aws_security_group_rule` with `type = "ingress"`, and
    `aws_vpc_security_group_ingress_rule` with `cidr_ipv4` / `cidr_ipv6`. It reports at the
    CIDR and is silent on rules whose group or CIDR it cannot resolve.

    ## Why is this bad?
    The environment's security group guards the web server and metadata database VPC
    endpoints and the workers' network interfaces. MWAA needs only a self-referencing rule
    (optionally narrowed to TCP 443 and 5432); an ingress rule from anywhere lets every network
    that can route to the VPC — peered VPCs, VPNs, and the internet where a path exists — reach
    them.

    ## Example
    ```hcl
    resource "aws_security_group" "mwaa" {
      name   = "mwaa"
      vpc_id = "vpc-0abc"

      ingress {
        from_port   = 443
        to_port     = 443
        protocol    = "tcp"
        cidr_blocks = ["0.0.0.0/0"]
      }
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = [aws_security_group.mwaa.id]
        subnet_ids         = ["subnet-0a", "subnet-0b"]
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_security_group" "mwaa" {
      name   = "mwaa"
      vpc_id = "vpc-0abc"

      ingress {
        from_port = 0
        to_port   = 0
        protocol  = "-1"
        self      = true
      }
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = [aws_security_group.mwaa.id]
        subnet_ids         = ["subnet-0a", "subnet-0b"]
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    """

    id = "MWAA104"
    slug = "open-security-group"
    severity = Severity.ERROR
    security_severity = 7.5

    def check(self, context):
        for env in context.environments():
            ev = env.ev
            for _, values in env.network_lists("security_group_ids"):
                for value in values:
                    group = ev.target(value)
                    if group is not None:
                        if group.block.labels[0] not in _GROUP_TYPES or group.block.type != "resource":
                            continue
                        yield from self._inline(ev, group)
                        yield from self._rules(ev, group.address, group)
                    elif isinstance(value, str):
                        yield from self._rules(ev, str(value), value)

    def _inline(self, ev, group):
        for block in ev.children(group.block, "ingress", group):
            if block.unknown:
                continue
            yield from self._open(ev, group, block.attributes, ("cidr_blocks", "ipv6_cidr_blocks"),
                                  ("protocol", "from_port", "to_port"), group.address, group.address)

    def _rules(self, ev, name: str, group):
        """Standalone ingress rules of `group`: a resource instance, or a literal `sg-…` ID."""
        for inst in ev.all_instances("aws_security_group_rule"):
            if ev.attr(inst, "type") != "ingress" or not _belongs(ev, ev.attr(inst, "security_group_id"), group):
                continue
            yield from self._open(ev, inst, inst.block.attributes, ("cidr_blocks", "ipv6_cidr_blocks"),
                                  ("protocol", "from_port", "to_port"), inst.address, name)
        for inst in ev.all_instances("aws_vpc_security_group_ingress_rule"):
            if not _belongs(ev, ev.attr(inst, "security_group_id"), group):
                continue
            yield from self._open(ev, inst, inst.block.attributes, ("cidr_ipv4", "cidr_ipv6"),
                                  ("ip_protocol", "from_port", "to_port"), inst.address, name)

    def _open(self, ev, inst, attributes: dict, cidr_names: tuple, port_names: tuple, address: str, group: str):
        for cidr_name in cidr_names:
            attribute = attributes.get(cidr_name)
            if attribute is None:
                continue
            value = ev.value(attribute.expr, inst)
            origin = setting(inst.ev or ev, attribute.expr, inst)
            fallback = origin.loc or attribute.loc
            items = origin.expr.items if isinstance(origin.expr, m.TupleExpr) else None
            for index, cidr in enumerate(value if isinstance(value, list) else [value]):
                if not _anywhere(cidr):
                    continue
                if isinstance(value, list) and items and len(items) == len(value):
                    loc = items[index].loc
                elif isinstance(cidr, LocatedStr) and cidr.loc is not None and _in_configuration(cidr.loc):
                    loc = cidr.loc
                else:
                    loc = fallback
                where = "" if address == group else f" ({address})"
                yield self.finding(
                    loc,
                    f"security group {group}{where} allows ingress from {cidr}{_traffic(ev, inst, attributes, port_names)}; "
                    "expected a self-referencing rule or specific source ranges (MWAA needs no ingress from anywhere)",
                    address=address,
                )


def _belongs(ev, value, group) -> bool:
    if isinstance(group, str):
        return same_value(value, group) is True
    return refers_to(ev, value, group) is True


def _anywhere(cidr) -> bool:
    if not isinstance(cidr, str) or isinstance(cidr, Unknown):
        return False
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _in_configuration(loc) -> bool:
    name = loc.path.name
    return name.endswith(".tf") or name.endswith(".tf.json")


def _traffic(ev, inst, attributes: dict, names: tuple) -> str:
    protocol_name, from_name, to_name = names
    values = {}
    for name in names:
        attribute = attributes.get(name)
        values[name] = ev.value(attribute.expr, inst) if attribute is not None else None
    protocol = values[protocol_name]
    if isinstance(protocol, str) and str(protocol).lower() in ("-1", "all"):
        return " on all protocols and ports"
    low, high = values[from_name], values[to_name]
    if isinstance(protocol, str) and isinstance(low, (int, str)) and isinstance(high, (int, str)):
        ports = f"port {low}" if str(low) == str(high) else f"ports {low}-{high}"
        return f" on {protocol} {ports}"
    return ""
