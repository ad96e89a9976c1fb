"""Settings precedence at the command line (defaults < profile < JOURNEYAUDIT_* < flags) and rule option types."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyaudit.cli.main import main
from journeyaudit.cli.run import run, run_overrides
from journeyaudit.rules.registry import all_rules
from journeyaudit.spec import config, rulecheck
from journeyaudit.spec.yamlsource import ValidationFailed

VALID_JOURNEY = Path(__file__).parent / "data" / "validation" / "valid-journey.yaml"
ENV = {"TEST_CARD": "4242424242424242"}
VARIABLES = ("BASE_URL", "FAIL_ON", "OUT", "BROWSER_PATH", "SELECT", "IGNORE", "FORMAT", "HISTORY", "BASELINE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Only the variables a test sets."""
    for name in VARIABLES:
        monkeypatch.delenv("JOURNEYAUDIT_" + name, raising=False)
    monkeypatch.setenv("TEST_CARD", ENV["TEST_CARD"])


@pytest.fixture
def profile(tmp_path) -> Path:
    (tmp_path / "journeys").mkdir()
    shutil.copy(VALID_JOURNEY, tmp_path / "journeys" / "guest.yaml")
    path = tmp_path / "staging.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: staging
            base_url: https://staging.example.com
            journeys: [journeys/guest.yaml]
            fail_on: medium
            out: profile-out
            formats: [junit]
            baseline: profile-base.json
            rules: {select: [JA4]}
            """
        ),
        encoding="utf-8",
    )
    return path


def settings_of(args: list[str]) -> config.AuditSettings:
    """What `journeyaudit run ARGS` would run with, without starting a browser."""
    context = run.make_context("run", list(args))
    return config.resolve(list(context.params["files"]), run_overrides(context.params), ENV, rules=all_rules())


def test_profile_when_nothing_else_is_given(profile):
    settings = settings_of([str(profile)])
    assert (settings.base_url, settings.fail_on, settings.out_dir) == ("https://staging.example.com", "medium", Path("profile-out"))
    assert settings.formats == ["junit"] and settings.baseline == "profile-base.json"
    assert settings.rules.select == ["JA4"]


def test_environment_beats_profile_and_flags_beat_environment(profile, monkeypatch):
    for name, value in {
        "BASE_URL": "https://env.example.com", "FAIL_ON": "LOW", "OUT": "env-out", "BROWSER_PATH": "/env/chrome",
        "SELECT": "JA401, JA501", "IGNORE": "slow-step", "FORMAT": "gitlab,html", "HISTORY": "postgresql://ci@db/ja",
        "BASELINE": "env-base.json",
    }.items():
        monkeypatch.setenv("JOURNEYAUDIT_" + name, value)
    settings = settings_of([str(profile)])
    assert settings.base_url == "https://env.example.com"
    assert settings.fail_on == "low"
    assert settings.out_dir == Path("env-out")
    assert settings.browser_path == "/env/chrome"
    assert (settings.rules.select, settings.rules.ignore) == (["JA401", "JA501"], ["slow-step"])
    assert settings.formats == ["gitlab"]  # html and json are always written
    assert settings.history_url == "postgresql://ci@db/ja"
    assert settings.baseline == "env-base.json"

    flags = ["--base-url", "http://cli.example.com:8080", "--fail-on", "none", "--out", "cli-out", "--select", "JA5",
             "--browser-path", "/cli/chrome", "--format", "sarif", "--no-history", "--baseline", "cli.json"]
    settings = settings_of([str(profile), *flags])
    assert settings.base_url == "http://cli.example.com:8080"
    assert (settings.fail_on, settings.out_dir, settings.browser_path) == ("none", Path("cli-out"), "/cli/chrome")
    assert (settings.rules.select, settings.rules.ignore) == (["JA5"], ["slow-step"])  # ignore: still the environment's
    assert settings.formats == ["sarif"] and settings.history_url is None and settings.baseline == "cli.json"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("FAIL_ON", "hgih", "'hgih' is not one of 'low', 'medium', 'high', 'critical', 'none'"),
        ("BASE_URL", "staging.example.com", "must be an http(s) URL, got 'staging.example.com'"),
        ("SELECT", "JA9", "no rule matches 'JA9'"),
        ("IGNORE", "slow-stp", "no rule matches 'slow-stp' (did you mean 'slow-step'?)"),
        ("FORMAT", "junit,pdf", "'pdf' is not one of html, json, junit, sarif, github, gitlab"),
    ],
)
def test_a_bad_environment_variable_is_a_usage_error_naming_it(profile, name, value, message):
    done = CliRunner().invoke(main, ["run", str(profile)], env={"JOURNEYAUDIT_" + name: value})
    assert done.exit_code == 2, done.output
    assert f"(env var: 'JOURNEYAUDIT_{name}')" in done.output
    assert message in done.output


def test_a_bad_flag_is_named_by_the_flag(profile):
    done = CliRunner().invoke(main, ["run", str(profile), "--fail-on", "sometimes"])
    assert done.exit_code == 2 and "'--fail-on'" in done.output


def test_run_help_names_the_environment_variables():
    done = CliRunner().invoke(main, ["run", "--help"])
    for name in VARIABLES:
        assert f"JOURNEYAUDIT_{name}" in done.output


# --------------------------------------------------------------------------
# rule option types
# --------------------------------------------------------------------------


def write_options(profile: Path, options: str) -> Path:
    text = profile.read_text(encoding="utf-8").replace("rules: {select: [JA4]}", f"rules:\n  options:\n{options}")
    profile.write_text(text, encoding="utf-8")
    return profile


def test_a_wrongly_typed_rule_option_is_a_located_error_before_the_run(profile):
    write_options(profile, "    JA401: {budget_ms: \"5s\"}\n    JA501: {max_per_sep: 3}\n")
    expected = [
        f"{profile}:10:24: rules.options.JA401.budget_ms must be an integer, got '5s'",
        f"{profile}:11:13: rules.options.JA501: JA501 has no option 'max_per_sep' "
        "(did you mean 'max_per_step'? options: ignore_patterns, max_per_step)",
    ]
    with pytest.raises(ValidationFailed) as caught:
        config.load_profile(profile, ENV, rules=all_rules())
    assert [str(e) for e in caught.value.errors] == expected

    checked = CliRunner().invoke(main, ["check", str(profile)])
    assert checked.exit_code == 2
    assert checked.output.splitlines()[:2] == expected

    # `run` stops before it looks for a browser (that would be exit 3)
    ran = CliRunner().invoke(main, ["run", str(profile)], env={"JOURNEYAUDIT_BROWSER_PATH": "/no/such/chrome"})
    assert ran.exit_code == 2 and expected[0] in ran.output


class Entry:
    def __init__(self, code, slug, options):
        self.code, self.slug, self.options = code, slug, options


CATALOGUE = [Entry("JA900", "typed", {"count": 3, "ratio": 0.5, "on": True, "words": ["a"], "anything": [],
                                      "by_role": {"cart": ["x"]}, "tolerance": "0.00", "budgets": {}})]


@pytest.mark.parametrize(
    "options, problems",
    [
        ({"count": 4, "ratio": 1, "on": False, "words": [], "by_role": {"payment": ["y"]}, "tolerance": 0.01}, []),
        ({"count": True}, ["rules.options.JA900.count must be an integer, got True"]),
        ({"count": 2.5}, ["rules.options.JA900.count must be an integer, got 2.5"]),
        ({"ratio": "half"}, ["rules.options.JA900.ratio must be a number, got 'half'"]),
        ({"on": "yes"}, ["rules.options.JA900.on must be true or false, got 'yes'"]),
        ({"words": "a"}, ["rules.options.JA900.words must be a list, got 'a'"]),
        ({"words": ["a", 3]}, ["rules.options.JA900.words.1 must be a string, got 3"]),
        ({"anything": [1, "b"], "budgets": {"cart": 5}}, []),  # an empty default says nothing of its items
        ({"by_role": {"cart": "x"}}, ["rules.options.JA900.by_role.cart must be a list, got 'x'"]),
        ({"by_role": ["x"]}, ["rules.options.JA900.by_role must be a mapping, got a list"]),
        ({"tolerance": [1]}, ["rules.options.JA900.tolerance must be a number, got a list"]),
    ],
)
def test_option_types_follow_the_defaults(options, problems):
    found = rulecheck.option_problems(CATALOGUE, {"JA900": options})
    assert [message for _, message, _ in found] == problems


def test_spec_knows_the_same_email_actions_as_the_mailbox():
    from journeyaudit.gather import mailbox

    assert config.EMAIL_ACTIONS == mailbox.EMAIL_ACTIONS
    assert config.INBOX_PLACEHOLDER == mailbox.INBOX_PLACEHOLDER
