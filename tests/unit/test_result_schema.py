"""result.json follows its published JSON Schema (schema/result.schema.json).

A real result: recorded demo traces judged again (``journeyaudit audit``), twice into a
history so that comparisons and the trend are filled in, then written by the store.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from journeyaudit.audit import new_result, rejudge
from journeyaudit.cli.main import main
from journeyaudit.history import store
from journeyaudit.history.database import default_url
from journeyaudit.history.result_schema import json_schema
from journeyaudit.judge.engine import RuleSettings
from journeyaudit.postrun import finish, prepare

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "traces"
COMMITTED = ROOT / "schema" / "result.schema.json"


@pytest.fixture(scope="module")
def result_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    post = prepare(history_url=default_url(out))
    try:
        for index in range(2):
            result, runs = rejudge(FIXTURES, RuleSettings(), name="fixtures")
            result.started_at += index  # a later run of the same audit
            finish(post, result, runs, out / f"run{index}")
    finally:
        post.close()
    assert result.findings and result.comparisons and len(result.trend) == 2 and result.ledgers
    path = store.save_result(result, out / "result.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_real_result_validates_against_the_committed_schema(result_json):
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(result_json)


def test_the_schema_rejects_a_broken_result(result_json):
    broken = {**result_json, "findings": [{"code": 301}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json_schema(), cls=jsonschema.Draft202012Validator)


def test_committed_schema_is_current():
    """`make schema` was run after the last change to model.Result."""
    printed = CliRunner().invoke(main, ["schema", "--kind", "result"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_the_result_names_axe_core_only_when_accessibility_was_checked():
    from types import SimpleNamespace

    from journeyaudit.gather.accessibility import axe_version

    settings = SimpleNamespace(name="a", fail_on="high", accessibility=True)  # what new_result reads
    assert axe_version().count(".") == 2  # 4.12.1, from the shipped script
    assert new_result(settings, "http://x", "Chromium", 0.0).axe_version == axe_version()
    settings.accessibility = False
    assert new_result(settings, "http://x", "Chromium", 0.0).axe_version == ""
