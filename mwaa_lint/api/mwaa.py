"""The MWAA side of the rule API: an environment and what it uses (its execution role and
policies, subnets, source bucket, configuration options, the requirements MWAA installs, its
class and cost), the Airflow versions table, and the Context a rule is given. Everything here
is re-exported by `mwaa_lint.api`, the only module a rule imports."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, cast

from .. import cost as _cost
from ..aws import airflow_versions as _versions
from ..aws import arguments as _arguments
from ..aws import config_options as _config_options
from ..aws import constraints as _constraints
from ..aws import iam as _iam
from ..aws import network as _network
from ..aws import s3_buckets as _buckets
from ..aws import security_groups as _security_groups
from ..aws.environment_class import class_name as _class_name
from ..aws.environment_class import limits as _limits
from ..aws.policy_document import Grants as _Grants
from ..aws.policy_document import table_document as _table_document
from ..aws.s3_objects import uploaded_content as _uploaded_content
from ..aws.s3_objects import uploaded_file as _uploaded_file
from ..aws.security_groups import GroupRule as _GroupRule
from ..diagnostic import Diagnostic, InputError
from ..fixes import Edit
from ..knowledge import table
from ..model import Location
from ..paths import real
from ..requirements import ParsedRequirements, included_files, local_include, parse_requirements
from ..source import read_text
from ..values import Ref as _Ref
from ..values import Unknown, join_parts, to_template_string
from .terraform import Argument, Resource, elements


class Environment(Resource):
    """An `aws_mwaa_environment` instance, with the AWS views of what it uses."""

    def execution_role(self) -> Optional[Role]:
        """The `aws_iam_role` its `execution_role_arn` designates (by reference, or by an ARN
        written as text that ends with the name of exactly one role in the configuration), or
        None (a role elsewhere, a data source, unknown)."""
        role = _iam.execution_role(self._ev, self._legacy())
        return Role(role) if role is not None else None

    def source_bucket(self) -> Optional[Resource]:
        """The `aws_s3_bucket` its `source_bucket_arn` designates, or None."""
        bucket = _buckets.source_bucket(self._legacy())
        return Resource(bucket) if bucket is not None else None

    def security_groups(self) -> tuple[Optional[Argument], Optional[list[SecurityGroup]]]:
        """(the Argument `network_configuration.security_group_ids`, its groups as
        `aws_security_group` / `aws_default_security_group` resources). The list is None when
        some group is not such a resource of the configuration (a literal `sg-…` ID, a data
        source, unknown): its rules cannot be seen."""
        found: list[SecurityGroup] = []
        for attribute, values in self._legacy().network_lists("security_group_ids"):
            argument = self._argument("security_group_ids", attribute, self.loc)
            for value in values:
                target = self._ev.target(value)
                if target is None or target.block.type != "resource" or target.block.labels[0] not in _GROUP_TYPES:
                    return argument, None
                found.append(SecurityGroup(target))
            return argument, found
        return None, None

    def subnets(self) -> list[tuple[Argument, list[Optional[Subnet]]]]:
        """(the Argument `network_configuration.subnet_ids`, [Subnet, or None for an item not
        in the code, ...]) for each subnet list whose items are known to be a list."""
        found: list[tuple[Argument, list[Optional[Subnet]]]] = []
        for attribute, values in self._legacy().network_lists("subnet_ids"):
            targets = [self._ev.target(v) for v in values]
            argument = self._argument("subnet_ids", attribute, self.loc, "network_configuration.subnet_ids")
            if not isinstance(argument.value, list):
                continue  # a placeholder default (Argument): the caller supplies the subnets
            found.append((argument, [Subnet(t) if t is not None else None for t in targets]))
        return found

    def class_name(self) -> Any:
        """`environment_class`, or MWAA's default class when it is not set; Unknown if unknown."""
        return _class_name(self._legacy())

    def class_limits(self) -> Optional[dict[str, Any]]:
        """The environment class's row of the `environment_classes` table, or None."""
        return _limits(self.class_name())

    def log_group_name(self, log_type: str) -> Any:
        """The CloudWatch log group MWAA sends `log_type` (`Task`) logs to, `airflow-<name>-Task`."""
        return join_parts(["airflow-", self.get("name"), "-", log_type])

    def configuration_options(self) -> list[_Option]:
        """Its `airflow_configuration_options` entries whose keys are known ([] when the map is unknown)."""
        return [_Option(option, self) for option in _config_options.options(self._legacy())]

    def requirements(self) -> list[_RequirementsFile]:
        """The requirements MWAA installs: the uploaded requirements.txt then the local files it
        includes with `-r`, or the inline `content` of the upload; [] when none is found."""
        path = _uploaded_file(self._ev, self._legacy(), "requirements_s3_path")
        if path is not None:
            return _with_includes(path)
        found = _uploaded_content(self._ev, self._legacy(), "requirements_s3_path")
        if found is None:
            return []
        text, tf_path, first_line, loc = found
        return [_RequirementsFile(tf_path, text, first_line, loc, inline=True)]

    def mwaa_constraints(self) -> Optional[_constraints.Constraints]:
        """The constraints MWAA applies when it installs this environment's requirements, or None
        when `airflow_version` is unset or unknown, or the `mwaa_constraints` table has no data for
        it (2.7.2, 2.8.1). `.pin(name)` gives, for a PEP 503 name, the Pin MWAA installs
        (`.version`, `.source`: "essential" or "airflow", `.why` for a message) or None;
        `.installs(requirement)` and `.conflict(requirement)` judge a requirement line (markers
        evaluated for the image's Python on Linux; URL requirements and undecidable markers give
        None); `.airflow_version`, `.python` (the image's, `3.11.9`), `.airflow_constraints_apply`."""
        version = self.get("airflow_version")
        if not isinstance(version, str) or isinstance(version, Unknown) or not str(version).strip():
            return None
        files = self.requirements()
        main = files[0]._text if files and not files[0].unreadable else None
        if isinstance(main, Unknown):
            main = None  # a part of the text is unknown: it may hold a `-c` line MWAA would see
        targets = [[include.target for include in each.includes if include.kind == "constraint"]
                   for each in files if not each.unreadable]
        main_targets = targets[0] if main is not None and targets else []
        return _constraints.for_version(str(version), main, main_targets, [t for each in targets for t in each])

    def cost_ceiling(self) -> Optional[_CostCeiling]:
        """Its monthly cost with `max_workers` workers and `max_webservers` web servers all month; None when it is unknown."""
        found = _cost.estimate(self._legacy())
        return _CostCeiling(found) if found.ceiling.known and found.ceiling_parts else None


class Role(Resource):
    """An `aws_iam_role`: the policies on it, wherever they are attached."""

    def policies(self) -> Iterator[Any]:
        """Each readable policy on the role (inline, `aws_iam_role_policy`, attached
        `aws_iam_policy`, by reference or by an ARN built from its name): `.address`, `.loc` (its
        `policy = ...`), `.document.statements` (each with `.effect`, `.actions`, `.not_actions`,
        `.resources`, `.not_resources` as located strings)."""
        return _iam.role_policies(self._ev, self._instance)

    def permissions_known(self) -> bool:
        """Can every permission policy on it be read (`policies()` then holds all it may do)?
        Not with an unknown document, an attachment that might be for it, a managed policy (AWS's
        or one outside the configuration), or the role handed to a module that is not read."""
        return _iam.permissions_known(self._ev, self._instance)

    def trust(self) -> Optional[_Grants]:
        """Who its `assume_role_policy` (jsonencode, heredoc, `aws_iam_policy_document`) lets call
        `sts:AssumeRole`, or None when the policy is unknown: `.allowed` and `.denied`, the
        principals of the Allow and Deny statements that name the action, each (kind: "Service",
        "AWS", "Federated", "*"; value; Location), and `.complete`, False when a statement, an
        effect, an action or a principal is unknown (a verdict on who is missing needs it)."""
        return _iam.trust(self._ev, self._instance)

    def attachments(self) -> Iterator[tuple[Resource, str]]:
        """(Resource, argument name) for every place a managed policy is attached to the role."""
        for instance, name in _iam.attachments(self._ev, self._instance):
            yield Resource(instance), name

    def aws_managed_policies(self) -> Iterator[_ManagedPolicy]:
        """Each AWS managed policy attached to the role, where its ARN (or the reference to it)
        is written, with what the `aws_managed_policies` table says it grants."""
        rows = {row["name"]: row for row in table("aws_managed_policies")["policies"]}
        for attachment, argument in self.attachments():
            for value, loc in elements(attachment.argument(argument)):
                name = _iam.aws_managed_policy(self._ev, value)
                if name is None:
                    continue
                row = rows.get(name.rpartition("/")[2])
                fits = row is not None and f"{row['path']}{name.rpartition('/')[2]}" == "/" + name
                grants = _table_document(row["statements"], loc) if row is not None and fits else None
                yield _ManagedPolicy(name, attachment, argument, loc, grants, attachment == self)


@dataclass(frozen=True)
class _ManagedPolicy:
    """An AWS managed policy attached to an execution role (`role.aws_managed_policies()`)."""

    name: str  # `CloudWatchLogsFullAccess`; with its path when it has one (`service-role/AWSGlueServiceRole`)
    attachment: Resource  # the attachment resource, or the role itself (its `managed_policy_arns`)
    argument: str  # `policy_arn`, `policy_arns` or `managed_policy_arns`
    loc: Location  # where the ARN, or the reference to it, is written
    document: Any  # what the table says it grants at least (`.statements`, as `role.policies()`), or None
    on_role: bool

    @property
    def how(self) -> str:
        """` by aws_iam_role_policy_attachment.logs`, or ` through its managed_policy_arns`."""
        return f" through its {self.argument}" if self.on_role else f" by {self.attachment.address}"


_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


class SecurityGroup(Resource):
    """An `aws_security_group` (or `aws_default_security_group`) and its rules."""

    def rules(self, direction: str) -> tuple[list[_GroupRule], bool]:
        """(its "ingress" or "egress" rules, wherever they are written: inline blocks,
        `aws_security_group_rule`, `aws_vpc_security_group_*_rule`; unsure). Each rule has
        `.protocol`, `.from_port`, `.to_port`, `.self` (admits the group itself), `.groups`
        (other groups it admits), `.cidrs`, `.loc` and `.address`. `unsure` is True when
        another rule might exist that cannot be seen (a dynamic block over an unknown
        collection, a rule whose group cannot be resolved, the group given to an unread module)."""
        return _security_groups.rules(self._ev, self._instance, direction)


class Subnet(Resource):
    """An `aws_subnet`, and whether it is public."""

    def exposure(self) -> Any:
        """`.public` (True, False, or None when it cannot be told), `.reason` (why, naming the
        route table or `map_public_ip_on_launch` and where) and `.loc` (where that is written)."""
        return _network.subnet_exposure(self._ev, self._instance)

    def egress(self) -> Any:
        """Does its route table send 0.0.0.0/0 out of the VPC (a NAT gateway, a transit gateway,
        a peering connection, a firewall endpoint, ...: the `required_endpoints` table)? `.out`
        (True, False, or None when it cannot be told) and `.table` (which table, and how it
        applies)."""
        return _network.egress(self._ev, self._instance, tuple(table("required_endpoints")["egress_targets"]))

    def vpc_endpoints(self) -> Any:
        """The `aws_vpc_endpoint`s of its VPC, each with `.service` ("sqs", "ecr.dkr", "s3"),
        `.kind` ("Interface", "Gateway"), `.private_dns` and `.address`; None when an endpoint
        might be in the VPC and cannot be told (or the VPC is handed to an unread module)."""
        return _network.vpc_endpoints(self._ev, self._instance)


class Context:
    """What a rule sees of one check: a root module and the local modules it calls."""

    def __init__(self, legacy: Any) -> None:
        self._legacy = legacy

    @property
    def requirement_files(self) -> list[list[_RequirementsFile]]:
        """The requirements files the user named, each as `env.requirements()` gives its files."""
        return [_with_includes(path) for path in self._legacy.requirement_files]

    def environments(self) -> Iterator[Environment]:
        """Every `aws_mwaa_environment` instance in the root module and the modules it calls.
        (While a rule looks at one, a crash is reported at it.)"""
        for env in self._legacy.environments():
            yield Environment(env.instance)

    def source_buckets(self) -> Iterator[tuple[Resource, Environment]]:
        """Each environment's source bucket, when it is a bucket in the tree, once: a bucket
        several environments share comes with the first of them."""
        seen: set[Resource] = set()
        for env in self.environments():
            bucket = env.source_bucket()
            if bucket is not None and bucket not in seen:
                seen.add(bucket)
                yield bucket, env

    def execution_roles(self) -> Iterator[tuple[Role, Environment]]:
        """Each environment's execution role, when it is a role in the tree, once: a role
        several environments share comes with the first of them."""
        seen: set[Role] = set()
        for env in self.environments():
            role = env.execution_role()
            if role is not None and role not in seen:
                seen.add(role)
                yield role, env

    def resources(self, resource_type: str) -> list[Resource]:
        """Every instance of `resource_type` in the tree."""
        return [Resource(instance) for instance in self._legacy.ev.all_instances(resource_type)]

    def target(self, value: Any) -> Optional[Resource]:
        """The resource instance a reference (`aws_iam_role.mwaa.arn`) designates, or None."""
        instance = self._legacy.ev.target(value)
        return Resource(instance) if instance is not None else None

    def reference(self, value: Any) -> Optional[tuple[Resource, str]]:
        """The resource instance and the attribute a computed value stands for
        (`aws_mwaa_environment.this.database_vpc_endpoint_service` → that environment and
        "database_vpc_endpoint_service"), through variables, locals and module outputs; None
        for any other value."""
        if isinstance(value, _Ref):
            return Resource(value.instance), value.attr
        return None

    def planned_changes(self, resource_type: str) -> list[Any]:
        """The `resource_type` entries of the Terraform plan being checked, as `PlannedChange`s
        (each with its resource in the configuration, when that is beside the plan); empty
        when the input is `.tf` files alone, which hold no plan."""
        from .plan import PlannedChange

        plan = self._legacy.plan
        if plan is None:
            return []
        by_address = {Resource(i).address: Resource(i) for i in self._legacy.ev.all_instances(resource_type)}
        return [PlannedChange(change, by_address.get(change.address)) for change in plan.changes
                if change.type == resource_type]

    def unread_module_calls(self) -> list[ModuleCall]:
        """Each module call instance in the tree whose module mwaa-lint does not read (a
        registry, git or S3 source that `terraform init` has not downloaded, or whose download
        is stale; a local one that could not be loaded; instances whose `count`/`for_each` keys
        are unknown): whatever it creates is unknown."""
        return [ModuleCall(call, ev) for ev in self._legacy.ev.tree for calls in ev.calls.values()
                for call, child in calls if child is None]


class ModuleCall:
    """One instance of a `module` block (`context.unread_module_calls()`)."""

    _META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})

    def __init__(self, call: Any, ev: Any) -> None:
        self._call, self._ev = call, ev

    @property
    def address(self) -> str:
        """`module.log_groups["Task"]`, `module.vpc`."""
        return cast(str, self._call.address)

    @property
    def loc(self) -> Location:
        return cast(Location, self._call.block.loc)

    def leaves(self) -> list[Any]:
        """The values its arguments pass in, collections opened: strings, numbers, booleans,
        `PartialString`s (`"airflow-${var.name}-${each.key}"`) and `Unknown`s."""
        found: list[Any] = []
        for name, attribute in self._call.block.attributes.items():
            if name not in self._META:
                _leaves(self._ev.value(attribute.expr, self._call), found)
        return found


def _leaves(value: Any, found: list[Any], depth: int = 0) -> None:
    if isinstance(value, dict) and depth < 32:
        for item in value.values():
            _leaves(item, found, depth + 1)
    elif isinstance(value, list) and depth < 32:
        for item in value:
            _leaves(item, found, depth + 1)
    elif value is not None:
        found.append(value)


class _AirflowVersions:
    """The dated table of the Airflow versions MWAA offers (`airflow_versions`): every status is as of `checked`."""

    @property
    def checked(self) -> str:
        """The date (YYYY-MM-DD) the table was last checked."""
        return _versions.checked()

    def lookup(self, version: str) -> Optional[dict[str, Any]]:
        """The row (`version`, `end_of_support`: a date or None) of an exact version, or None if MWAA never listed it."""
        return _versions.lookup(version)

    def ended(self, row: dict[str, Any]) -> bool:
        """Has the row's version reached its end of support (on or before `checked`)?"""
        return _versions.ended(row)

    def latest(self, major: Optional[str] = None) -> Optional[str]:
        """The highest version with no end of support announced, optionally of one major version ("2")."""
        return _versions.latest_supported(major)


airflow_versions = _AirflowVersions()


@dataclass(frozen=True)
class _KmsKeyProblem:
    """What `kms_key_problem` finds wrong with a `kms_key`."""

    shown: str  # the value as a message shows it: `"alias/x"`, or the reference `aws_kms_alias.x.arn`
    form: str  # what it is (`alias ARN`, `key id`, ...), or "" when it is no form of KMS key at all
    problem: str  # why the provider or MWAA rejects it
    expected: str  # what to write instead (`aws_kms_key.x.arn` when the module where it is written can)


def kms_key_problem(argument: Argument, kms: dict[str, Any]) -> Optional[_KmsKeyProblem]:
    """Why MWAA cannot take this `kms_key` (`kms`: the `environment_arguments` table's `kms_key`);
    None for a key ARN, an unknown value, and null or "" (an AWS owned key)."""
    found = _arguments.bad_kms_key(argument.value, kms, argument._origin.ev if argument._origin is not None else None)
    return _KmsKeyProblem(*found) if found is not None else None


def monthly_budget(option: Any) -> Optional[Decimal]:
    """A budget option (US dollars, `1,000`, `$1000`) as an amount a month; None for none; ValueError when it is no amount."""
    return _cost.parse_budget(option)


class _CostCeiling:
    """An environment's monthly cost ceiling, as `mwaa-lint cost` prints it (`env.cost_ceiling()`)."""

    def __init__(self, estimate: Any) -> None:
        self._estimate = estimate

    @property
    def low(self) -> Decimal:
        """The ceiling in the price table's currency (its lowest when an unknown count makes it a range)."""
        return cast(Decimal, self._estimate.ceiling.low)

    @property
    def exact(self) -> bool:
        """False when an unknown count makes the ceiling a range."""
        return cast(bool, self._estimate.ceiling.exact)

    @property
    def parts(self) -> dict[str, Decimal]:
        """What `low` is made of: "environment" (the class's hour) and "workers", "schedulers", "webservers" beyond it."""
        return cast(dict[str, Decimal], self._estimate.ceiling_parts)

    @property
    def environment_class(self) -> str:
        return cast(str, self._estimate.environment_class)

    def count(self, name: str) -> Optional[int]:
        """How many `name` (`max_workers`, `schedulers`, ...) it counts: as written, MWAA's default, or the lowest accepted."""
        return cast(Optional[int], self._estimate.counts[name].low)

    def included(self, kind: str) -> int:
        """How many `kind` ("workers", "schedulers", "webservers") the environment's hour includes."""
        return cast(int, self._estimate.included.get(kind, 0))

    def monthly_price(self, kind: str) -> Optional[Decimal]:
        """What one more of `kind` beyond the included ones costs a month; None when the table has no price."""
        price = _cost.hourly(self._estimate.prices.get(_cost.KINDS[kind]))
        return None if price is None else price * self._estimate.hours

    def money(self, amount: Decimal) -> str:
        """`$2,325.05` (`2,325.05 EUR` for a table in another currency)."""
        return _cost.money(amount, self._estimate.currency)


class _Option:
    """One `airflow_configuration_options` entry whose key is known (`env.configuration_options()`).

    `key`, `value`; `loc`: where the key is written; `value_loc`: the module caller's argument
    when the value was passed in, else None; `passed_to`: `passed to module.mwaa`, or "";
    `written`: `variables.tf:12` where the value was written, None when it came from outside
    the code (TF_VAR_, --var) or cannot be told.
    """

    def __init__(self, option: Any, env: Environment) -> None:
        self.key, self.value, self.loc, self.written = option.key, option.value, option.loc, option.written
        self.value_loc, self.passed_to = option.value_loc, option.passed
        self._env = env

    @property
    def text(self) -> Any:
        """The value as the string MWAA is given (`true`, `64`, jsonencode()'s JSON), else Unknown."""
        return to_template_string(self.value)

    @property
    def blocked_on(self) -> str:
        """The Airflow versions on which MWAA sets the option itself (`Airflow 2.x`), or ""."""
        blocked, versions = _config_options.blocked_keys(self._env.get("airflow_version"))
        return versions if self.key in blocked else ""

    @property
    def forced(self) -> Any:
        """The value MWAA sets instead, for a blocked option (None when not known or not blocked)."""
        return _config_options.blocked_keys(self._env.get("airflow_version"))[0].get(self.key)

    def secret_names(self, field: Optional[str] = None) -> list[str]:
        """The sensitive names of Airflow's masking list that the option (or `field`, a field of its
        JSON value) is named with; [] for a path, a command or a secret's name (`_cmd`, `_secret`)."""
        if field is not None:
            return _config_options.secret_names(field, option=False)
        return _config_options.secret_names(self.key.split(".", 1)[-1], option=True)

    def where_written(self) -> tuple[Location, str]:
        """(where to report the value: `value_loc` or `loc`; `written` when that names another line, else "")."""
        loc = self.value_loc or self.loc
        return loc, self.written if self.written != _config_options.where(self._env._ev, loc) else ""


class _RequirementsFile:
    """A requirements file MWAA installs (or the inline `content` of an upload), parsed.

    `path` (for inline content, the .tf file); `requirements`, `includes` (`-r`/`-c` lines) and
    `problems` (lines pip cannot read), each with `.line` and `.column`; `options`, the pip
    options as (line, name, value), e.g. (1, "--index-url", "https://…"); `unreadable`: the
    Diagnostics saying why the file could not be read ([] when it was). Two are equal when they
    are the same file (or the same inline content).
    """

    def __init__(self, path: Path, text: Optional[str] = None, first_line: int = 1, loc: Optional[Location] = None,
                 inline: bool = False, unreadable: tuple[Diagnostic, ...] = ()):
        self.path, self.unreadable = path, list(unreadable)
        self._text, self._first, self._loc, self._inline = text or "", first_line, loc, inline
        parsed = parse_requirements(text) if text is not None else ParsedRequirements()
        self.requirements, self.includes, self.problems = parsed.requirements, parsed.includes, parsed.problems
        self.options = parsed.options

    @property
    def inline(self) -> bool:
        """Is it the `content` of an upload, written in a .tf file (not a file of its own)?"""
        return self._inline

    def _key(self) -> tuple[Any, ...]:
        return (self.path, self._first) if self._inline else (real(self.path),)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _RequirementsFile) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def locate(self, item: Any) -> Location:
        """Where a requirement, include or problem is: its own columns, on its line of the file."""
        line = self._first + item.line - 1
        end = getattr(item, "end_column", item.column + 1)
        return self._loc or Location(self.path, line, item.column, line, end)

    def line(self, item: Any = None) -> Location:
        """The whole line an item (None: the first line) is on, from where its text starts."""
        if self._inline:
            return self._inline_line(item)
        lines = self._text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        line = item.line if item is not None else 1
        column = item.column if item is not None else 1
        end = len(lines[line - 1]) + 1 if line <= len(lines) else column + 1
        return Location(self.path, line, column, line, max(end, column + 1))

    def _inline_line(self, item: Any) -> Location:
        if self._loc is not None:
            return self._loc  # a one-line string: its lines cannot be told apart in the .tf file
        try:
            lines = read_text(self.path).splitlines()
        except InputError:
            lines = []
        line = self._first + (item.line - 1 if item is not None else 0)
        text = lines[line - 1] if line <= len(lines) else ""
        column = len(text) - len(text.lstrip()) + 1  # a `<<-` heredoc is indented in the file
        return Location(self.path, line, column, line, max(len(text) + 1, column + 1))

    def edit(self, item: Any, replacement: str, column: Optional[int] = None,
             end_column: Optional[int] = None) -> Optional[Edit]:
        """An Edit replacing the text of a requirement (or include, or problem) `item` with
        `replacement`, in whichever file holds it: this requirements file, or the .tf file whose
        heredoc `content` it is (columns found on the real, indented line). `column` and
        `end_column` (default: the item's own) choose part of its line, as the item's columns
        do. None when the text cannot be placed exactly: content a one-line string holds, a
        heredoc line with interpolations, a span past the end of its line."""
        lines = self._lines()
        if self._loc is not None or not 1 <= item.line <= len(lines):
            return None
        text = lines[item.line - 1]
        column = item.column if column is None else column
        end = end_column if end_column is not None else getattr(item, "end_column", len(text) + 1)
        if not 1 <= column <= end <= len(text) + 1:
            return None
        expected = text[column - 1:end - 1]
        if not self._inline:
            return Edit(self.path, item.line, column, item.line, end, replacement, expected)
        try:
            real = read_text(self.path).split("\n")
        except InputError:
            return None
        line = self._first + item.line - 1
        if not 1 <= line <= len(real) or not real[line - 1].endswith(text):
            return None
        shift = len(real[line - 1]) - len(text)  # a `<<-` heredoc's indentation
        if real[line - 1][shift + column - 1:shift + end - 1] != expected:
            return None
        return Edit(self.path, line, shift + column, line, shift + end, replacement, expected)

    def pin(self, requirement: Any, version: str) -> Optional[Edit]:
        """An Edit pinning a requirement to `==version`: its name and extras stay as written, its
        version specifier is replaced, its environment marker kept (`Flask_Caching[redis]>=1.0 ;
        python_version>"3"` → `Flask_Caching[redis]==2.3.0 ; python_version>"3"`). None when that
        is not safe: a URL or VCS requirement, a file pip checks hashes in (the new version's
        hashes are not known), or text `edit` cannot place."""
        if requirement.url or any(each.hashed for each in self.requirements):
            return None
        name = re.match(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*(\s*\[[^\]]*\])?", requirement.text)
        if name is None:
            return None
        marker = requirement.text.find(";")
        head = requirement.text if marker < 0 else requirement.text[:marker]
        head = head.rstrip()
        return self.edit(requirement, f"{name.group(0)}=={version}", end_column=requirement.column + len(head))

    def _lines(self) -> list[str]:
        return self._text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def constraints(self) -> list[_RequirementsFile]:
        """The local files its `-c` lines name, parsed (remote, refused or unreadable ones left out)."""
        if self._inline or self.unreadable:
            return []
        found: list[_RequirementsFile] = []
        for include in self.includes:
            target = local_include(self.path, include) if include.kind == "constraint" else None
            if target is not None:
                read = _read_requirements(target)
                if not read.unreadable:
                    found.append(read)
        return found


def _read_requirements(path: Path) -> _RequirementsFile:
    try:
        return _RequirementsFile(path, read_text(path))
    except InputError as exc:  # the file cannot be judged: the rule says so
        return _RequirementsFile(path, unreadable=tuple(exc.diagnostics))


def _with_includes(path: Path) -> list[_RequirementsFile]:
    return [_read_requirements(each) for each in [path, *included_files(path)]]


def file_line(loc: Location, context: Context) -> str:
    """`modules/vpc/main.tf:12` for a message: the file relative to the root module (the same from any cwd), and the line."""
    root = context._legacy.ev.tree[0].module.directory.absolute()
    return f"{os.path.relpath(loc.path.absolute(), root)}:{loc.line}"
