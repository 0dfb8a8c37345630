"""On the shipped example module, text, JSON and SARIF report the same findings, and the
SARIF validates against the official SARIF 2.1.0 schema."""
import json
import re
from pathlib import Path

import jsonschema
from conftest import REPO

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def test_text_json_and_sarif_agree_on_the_example(cli):
    args = ("examples/quickstart",)
    data = cli(*args, "--format", "json", cwd=REPO).json()
    sarif = json.loads(cli(*args, "--format", "sarif", cwd=REPO).stdout)
    text = cli(*args, "--format", "text", "--color", "never", cwd=REPO).stdout

    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert {f["rule_id"] for f in data["findings"]} == {"MWAA101", "MWAA201", "MWAA301", "MWAA401", "MWAA402", "MWAA501"}

    from_json = [(f["rule_id"], f["path"], f["line"], f["column"], f["message"]) for f in data["findings"]]
    run = sarif["runs"][0]
    from_sarif = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["message"]["text"],
        )
        for r in run["results"]
    ]
    header = re.compile(r"^(\S+):(\d+):(\d+): (MWAA\d{3}) (?:\[\*\] )?\[\w+\] (.*)$")  # [*]: fixable
    from_text = [
        (m[4], m[1], int(m[2]), int(m[3]), m[5]) for m in map(header.match, text.splitlines()) if m
    ]
    assert from_json == from_sarif == from_text
    assert run["invocations"][0]["executionSuccessful"] is True
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {f[0] for f in from_json}
    for rule in run["tool"]["driver"]["rules"]:
        assert isinstance(rule["properties"]["security-severity"], str)
        assert rule["help"]["markdown"] and rule["fullDescription"]["text"]
