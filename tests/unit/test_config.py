"""Audit profiles, precedence of settings, and `check` over files of either kind."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from journeyaudit.rules.registry import RuleInfo, all_rules
from journeyaudit.spec import config
from journeyaudit.spec.yamlsource import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "validation"
VALID_JOURNEY = DATA / "valid-journey.yaml"
ENV = {"TEST_CARD": "4242424242424242"}


def _no_findings(run, options):
    """A throwaway rule for these tests."""
    return []


FAKE_RULES = [
    RuleInfo("JA401", "slow-step", "Slow step", "medium", frozenset(), {"budget_ms": 3000}, _no_findings),
    RuleInfo("JA501", "console-error", "Console error", "low", frozenset(), {}, _no_findings),
]


# Rule names and options are checked against the rules the caller passes: a fixed set here,
# whatever is registered.


def resolve(paths, overrides=None, env=None):
    return config.resolve(paths, overrides, env, rules=FAKE_RULES)


def load_profile(path, env=None):
    return config.load_profile(path, env, rules=FAKE_RULES)


def check_file(path, env=None, rules=FAKE_RULES):
    return config.check_file(path, env, rules=rules)


@pytest.fixture
def shop(tmp_path):
    """audits/ and journeys/ side by side, as in the repository."""
    (tmp_path / "journeys" / "demo").mkdir(parents=True)
    (tmp_path / "journeys" / "other").mkdir(parents=True)
    (tmp_path / "audits").mkdir()
    for folder in ("demo", "other"):
        shutil.copy(VALID_JOURNEY, tmp_path / "journeys" / folder / "guest.yaml")
    shutil.copy(VALID_JOURNEY, tmp_path / "journeys" / "demo" / "member.yaml")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def errors_of(call) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return [str(error) for error in caught.value.errors]


PROFILE = """
name: staging
description: Every deploy.
base_url: https://staging.example.com
journeys: ["../journeys/demo/*.yaml"]
journeys_root: ..
fail_on: medium
out: out/reports
timeouts: {action_ms: 5000, navigation_ms: 20000}
viewport: {width: 390, height: 844}
rules:
  select: [JA4, console-error]
  ignore: [JA501]
  severity: {console-error: high}
  options: {JA401: {budget_ms: 5000}}
"""


# --------------------------------------------------------------------------
# valid profiles and precedence
# --------------------------------------------------------------------------


def test_profile_values(shop):
    profile_path = write(shop / "audits" / "staging.yaml", PROFILE)
    settings = resolve([str(profile_path)], {}, ENV)
    assert settings.name == "staging"
    assert settings.description == "Every deploy."
    assert settings.profile_path == str(profile_path)
    assert settings.base_url == "https://staging.example.com"
    assert settings.demo_shop is False
    assert [j.id for j in settings.journeys] == ["guest", "member"]  # glob matches, sorted
    assert settings.fail_on == "medium"
    assert settings.out_dir == Path("out/reports")
    assert (settings.action_timeout_ms, settings.navigation_timeout_ms) == (5000, 20000)
    assert settings.viewport == (390, 844)
    assert settings.rules == config.RuleChoice(
        select=["JA4", "console-error"],
        ignore=["JA501"],
        severity={"JA501": "high"},  # slugs become codes: the judge looks options up by code
        options={"JA401": {"budget_ms": 5000}},
    )
    assert (settings.headed, settings.browser_path) == (False, None)


def test_defaults(shop):
    profile_path = write(shop / "audits" / "min.yaml", 'name: min\ndemo_shop: true\njourneys: ["../journeys/demo/guest.yaml"]\njourneys_root: ..\n')
    settings = resolve([str(profile_path)], {}, ENV)
    assert settings.base_url is None and settings.demo_shop is True
    assert settings.fail_on == "high"
    assert settings.out_dir == Path("reports")
    assert (settings.action_timeout_ms, settings.navigation_timeout_ms, settings.viewport) == (10000, 30000, (1280, 800))
    assert settings.rules == config.RuleChoice()


def test_overrides_beat_the_profile(shop):
    """The command line's values (environment variables merged in by click: test_settings_env.py)."""
    profile_path = write(shop / "audits" / "staging.yaml", PROFILE)
    overrides = {
        "base_url": "http://cli.example.com:8080",
        "fail_on": "none",
        "out": "cli-out",
        "select": ["JA5"],
        "ignore": [],
        "headed": True,
        "browser_path": "/cli/chrome",
    }
    settings = resolve([str(profile_path)], overrides, ENV)
    assert settings.base_url == "http://cli.example.com:8080"
    assert settings.fail_on == "none"
    assert settings.out_dir == Path("cli-out")
    assert settings.browser_path == "/cli/chrome"
    assert settings.headed is True
    assert settings.rules.select == ["JA5"]
    assert settings.rules.ignore == []

    not_given = {key: None for key in overrides}
    assert resolve([str(profile_path)], not_given, ENV).base_url == "https://staging.example.com"


def test_journey_files_without_a_profile(shop):
    one = shop / "journeys" / "demo" / "guest.yaml"
    settings = resolve([str(one)], {"base_url": "https://shop.test"}, ENV)
    assert settings.name == "guest"
    assert settings.profile_path is None
    assert [j.name for j in settings.journeys] == ["Buy an AeroPress as a guest"]

    two = [str(one), str(shop / "journeys" / "demo" / "member.yaml")]
    assert resolve(two, {"base_url": "https://shop.test"}, ENV).name == "journeys"


def test_same_stem_in_two_folders_gets_unique_ids(shop):
    files = [str(shop / "journeys" / folder / "guest.yaml") for folder in ("demo", "other")]
    settings = resolve(files, {"base_url": "https://shop.test"}, ENV)
    assert [j.id for j in settings.journeys] == ["demo-guest", "other-guest"]


def test_globs_expand_relative_to_the_profile_and_each_file_once(shop):
    profile_path = write(
        shop / "audits" / "all.yaml",
        """
        name: all
        base_url: https://shop.test
        journeys_root: ..
        journeys:
          - ../journeys/demo/member.yaml
          - ../journeys/**/*.yaml
        """,
    )
    profile = load_profile(profile_path, ENV)
    assert [p.relative_to(shop).as_posix() for p in profile.journey_files] == [
        "journeys/demo/member.yaml",
        "journeys/demo/guest.yaml",
        "journeys/other/guest.yaml",
    ]


# --------------------------------------------------------------------------
# located errors
# --------------------------------------------------------------------------


def test_glob_matching_nothing_and_missing_file(shop):
    profile_path = write(
        shop / "audits" / "p.yaml",
        """
        name: p
        base_url: https://shop.test
        journeys: ["../journeys/nothing/*.yaml", ../journeys/gone.yaml]
        journeys_root: ..
        """,
    )
    assert errors_of(lambda: load_profile(profile_path, ENV)) == [
        f"{profile_path}:3:12: no journey file matches '../journeys/nothing/*.yaml'",
        f"{profile_path}:3:42: journey file '../journeys/gone.yaml' not found",
    ]


def test_profile_errors_are_located_and_all_reported(shop):
    profile_path = write(
        shop / "audits" / "p.yaml",
        """
        name: p
        base_url: staging.example.com
        journeys: ["../journeys/demo/*.yaml"]
        fail_on: hgh
        timeouts: {action_ms: fast}
        viewport: {width: 1280, depth: 3}
        rules:
          select: [JA4, slow-stp]
          severity: {JA501: urgent}
          options: {JA401: {budget: 1}, JA999: {}}
        journeys_root: ..
        """,
    )
    assert errors_of(lambda: load_profile(profile_path, ENV)) == [
        f"{profile_path}:2:11: 'base_url' must be an http(s) URL, got 'staging.example.com'",
        f"{profile_path}:4:10: 'fail_on' must be one of low, medium, high, critical, none, got 'hgh'",
        f"{profile_path}:5:23: 'action_ms' must be an integer, got 'fast'",
        f"{profile_path}:6:25: unknown key 'depth' in viewport (allowed: width, height)",
        f"{profile_path}:8:17: rules.select: no rule matches 'slow-stp' (did you mean 'slow-step'?)",
        f"{profile_path}:9:21: 'JA501' must be one of low, medium, high, critical, got 'urgent'",
        f"{profile_path}:10:21: rules.options.JA401: JA401 has no option 'budget' (did you mean 'budget_ms'? options: budget_ms)",
        f"{profile_path}:10:33: rules.options: no rule 'JA999'",
    ]


def test_missing_required_key_unknown_key_duplicate_key_and_env(shop):
    profile_path = write(
        shop / "audits" / "p.yaml",
        """
        base_url: ${SHOP_URL}
        jouneys: []
        journeys: ["../journeys/demo/*.yaml"]
        fail_on: low
        fail_on: high
        journeys_root: ..
        """,
    )
    assert errors_of(lambda: load_profile(profile_path, ENV)) == [
        f"{profile_path}:1:1: audit profile is missing 'name'",
        f"{profile_path}:1:11: environment variable SHOP_URL is not set",
        f"{profile_path}:2:1: unknown key 'jouneys' in audit profile (allowed: "
        + ", ".join(config.AuditProfile.model_fields)
        + ")",
        f"{profile_path}:5:1: duplicate key 'fail_on' (first defined at line 4)",
    ]


def test_yaml_syntax_error_in_a_profile(shop):
    profile_path = write(shop / "audits" / "p.yaml", "name: p\njourneys: [a.yaml\n")
    assert errors_of(lambda: resolve([str(profile_path)], {}, ENV)) == [
        f"{profile_path}:3:1: invalid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 2, column 11)"
    ]


def test_no_base_url(shop):
    one = str(shop / "journeys" / "demo" / "guest.yaml")
    assert errors_of(lambda: resolve([one], {}, ENV)) == [config.NO_BASE_URL]
    profile_path = write(shop / "audits" / "p.yaml", 'name: p\njourneys: ["../journeys/demo/guest.yaml"]\njourneys_root: ..\n')
    assert errors_of(lambda: resolve([str(profile_path)], {}, ENV)) == [f"{profile_path}: {config.NO_BASE_URL}"]


def test_bad_values_from_the_command_line(shop):
    one = str(shop / "journeys" / "demo" / "guest.yaml")
    bad = {"base_url": "ftp://shop", "fail_on": "sometimes", "select": "JA9, slow-stp"}
    assert errors_of(lambda: resolve([one], bad, ENV)) == [
        "--base-url: 'base_url' must be an http(s) URL, got 'ftp://shop'",
        "--fail-on: fail_on 'sometimes' is not one of low, medium, high, critical, none",
        "--select: no rule matches 'JA9'",
        "--select: no rule matches 'slow-stp' (did you mean 'slow-step'?)",
    ]


def test_errors_from_every_file_are_collected(shop, tmp_path):
    bad_one = write(tmp_path / "bad-one.yaml", "name: A\nsteps:\n  - name: S\n    role: x\n    actions: [goto: /]\n")
    bad_two = write(tmp_path / "bad-two.yaml", "name: B\nsteps: []\n")
    neither = write(tmp_path / "neither.yaml", "name: C\n")
    assert errors_of(lambda: resolve([str(bad_one), str(bad_two), str(neither)], {"base_url": "http://x.test"}, ENV)) == [
        f"{bad_one}:4:11: role 'x' is not one of product, cart, account, shipping, payment, review, confirmation, "
        "email, other",
        f"{bad_two}:2:8: 'steps' needs at least one step",
        f"{neither}:1:1: not a journey or an audit profile: a journey has a top-level 'steps' list, "
        "an audit profile a top-level 'journeys' list",
    ]


def test_errors_in_a_profiles_journeys_are_reported(shop):
    write(shop / "journeys" / "demo" / "member.yaml", "name: M\nsteps:\n  - name: S\n    role: cart\n    actions: [clik: x]\n")
    profile_path = write(shop / "audits" / "p.yaml", 'name: p\nbase_url: http://x.test\njourneys: ["../journeys/demo/*.yaml"]\njourneys_root: ..\n')
    member = os.path.normpath(shop / "audits" / "../journeys/demo/member.yaml")
    assert errors_of(lambda: resolve([str(profile_path)], {}, ENV)) == [
        f"{member}:5:15: unknown action 'clik' (did you mean 'click'?)"
    ]


def test_profile_and_journeys_together_is_an_error(shop):
    profile_path = write(shop / "audits" / "p.yaml", 'name: p\nbase_url: http://x.test\njourneys: ["../journeys/demo/*.yaml"]\njourneys_root: ..\n')
    one = str(shop / "journeys" / "demo" / "guest.yaml")
    assert errors_of(lambda: resolve([str(profile_path), one], {}, ENV)) == [
        f"{one}: give either one audit profile or journey files, not both"
    ]


def test_check_file_accepts_both_kinds(shop):
    profile_path = write(shop / "audits" / "p.yaml", PROFILE)
    assert check_file(profile_path, ENV) == []
    assert check_file(VALID_JOURNEY, ENV) == []
    assert [str(e) for e in check_file(VALID_JOURNEY, {})] == [
        f"{VALID_JOURNEY}:29:49: environment variable TEST_CARD is not set"
    ]
    missing = shop / "nope.yaml"
    assert [str(e) for e in check_file(missing, ENV)] == [f"{missing}: file not found"]


# --------------------------------------------------------------------------
# schema and the repository's own files
# --------------------------------------------------------------------------


def test_committed_audit_schema_matches_the_models():
    committed = json.loads((ROOT / "schema" / "audit.schema.json").read_text(encoding="utf-8"))
    assert committed == config.json_schema(), "regenerate schema/audit.schema.json from config.json_schema()"
    assert committed["title"] == "journeyaudit audit profile"
    assert committed["required"] == ["name", "journeys"]


REPO_FILES = sorted((ROOT / "journeys").rglob("*.yaml")) + sorted((ROOT / "audits").rglob("*.yaml"))


@pytest.mark.skipif(not REPO_FILES, reason="no journeys or audits in the repository yet")
@pytest.mark.parametrize("path", REPO_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_repository_files_validate(path):
    env = {"TEST_CARD": "4242424242424242", **os.environ}
    assert [str(e) for e in check_file(path, env, rules=all_rules())] == []  # the real rule registry


# --------------------------------------------------------------------------
# report formats, history and baseline (issue #4)
# --------------------------------------------------------------------------


def test_formats_history_and_baseline_precedence(shop):
    profile_path = write(
        shop / "audits" / "ci.yaml",
        PROFILE + "formats: [junit, sarif]\nhistory: sqlite:///team.sqlite\nbaseline: base.json\ntrend_runs: 5\n",
    )
    settings = resolve([str(profile_path)], {}, ENV)
    assert settings.formats == ["junit", "sarif"]
    assert settings.history_url == "sqlite:///team.sqlite"
    assert settings.baseline == "base.json" and settings.trend_runs == 5

    settings = resolve([str(profile_path)], {"formats": "gitlab,html", "history": "postgresql://ci@db/ja"}, ENV)
    assert settings.formats == ["gitlab"]  # html and json are always written
    assert settings.history_url == "postgresql://ci@db/ja"

    cli = {"formats": ["github", "junit", "github"], "history": "hist.db", "baseline": "cli.json"}
    settings = resolve([str(profile_path)], cli, ENV)
    assert settings.formats == ["github", "junit"]
    assert settings.history_url == "sqlite:///" + str(Path("hist.db").resolve())
    assert settings.baseline == "cli.json"
    assert resolve([str(profile_path)], {"no_history": True}, ENV).history_url is None


def test_history_defaults_to_a_file_next_to_the_reports_and_can_be_off(shop):
    profile_path = write(shop / "audits" / "p.yaml", PROFILE)
    settings = resolve([str(profile_path)], {}, ENV)
    assert settings.history_url == "sqlite:///" + str((Path("out/reports") / "history.sqlite").resolve())
    assert settings.formats == [] and settings.baseline is None
    off = write(shop / "audits" / "off.yaml", PROFILE + "history: false\n")
    assert resolve([str(off)], {}, ENV).history_url is None
    assert resolve([str(profile_path)], {"history": "off"}, ENV).history_url is None


def test_bad_formats_are_located(shop):
    profile_path = write(shop / "audits" / "bad.yaml", PROFILE + "formats: [junit, pdf]\n")
    errors = errors_of(lambda: resolve([str(profile_path)], {}, ENV))
    assert errors == [f"{profile_path}:15:18: 'formats' must be one of html, json, junit, sarif, github, gitlab, got 'pdf'"]
    good = write(shop / "audits" / "good.yaml", PROFILE)
    errors = errors_of(lambda: resolve([str(good)], {"formats": "junit,xml"}, ENV))
    assert errors == ["--format: unknown report format 'xml' (formats: html, json, junit, sarif, github, gitlab)"]


def test_trace_mode_default_profile_and_override(shop):
    """--trace: off by default, the profile's `trace:`, then the flag (or JOURNEYAUDIT_TRACE through click)."""
    base = 'name: t\ndemo_shop: true\njourneys: ["../journeys/demo/guest.yaml"]\njourneys_root: ..\n'
    assert resolve([str(write(shop / "audits" / "off.yaml", base))], {}, ENV).trace == "off"
    profile_path = write(shop / "audits" / "trace.yaml", base + "trace: retain-on-failure\n")
    assert resolve([str(profile_path)], {}, ENV).trace == "retain-on-failure"
    assert resolve([str(profile_path)], {"trace": "on"}, ENV).trace == "on"
    with pytest.raises(ValidationFailed, match="--trace: trace must be one of off, on, retain-on-failure"):
        resolve([str(profile_path)], {"trace": "always"}, ENV)
    with pytest.raises(ValidationFailed, match="trace"):
        resolve([str(write(shop / "audits" / "bad.yaml", base + "trace: always\n"))], {}, ENV)
