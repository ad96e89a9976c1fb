"""Pick journeys (issue 11): run --journey/--tag, `journeyaudit list` and `journeyaudit probes`, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyaudit.cli.main import main
from journeyaudit.spec import config, shards
from journeyaudit.spec.yamlsource import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "audits" / "demo.yaml")
API = [str(ROOT / "journeys" / "demo-api" / name) for name in ("login.yaml", "account-order.yaml", "offer.yaml")]
BASE = {"base_url": "http://shop.test"}


def ids(paths, **picked) -> list[str]:
    return [j.id for j in config.resolve(paths, {**BASE, **picked}, {}).journeys]


def test_without_a_selection_every_journey_runs():
    assert len(ids([DEMO])) == len(config.resolve([DEMO], {}, {}).journeys) > 30


def test_journey_globs_pick_by_id_or_name_and_bring_the_variants_along():
    assert ids([DEMO], journeys=["stock-out"]) == ["stock-out"]
    assert ids([DEMO], journeys=["late-*", "Buy an AeroPress Go as a guest"]) == ["happy-path", "late-fee", "late-validation"]
    probes = ids([DEMO], journeys=["probes"])
    assert probes[0] == "probes" and len(probes) > 3 and all(i.startswith("probes~") for i in probes[1:])
    assert ids([DEMO], journeys=["probes~decline-*"]) == [i for i in probes if i.startswith("probes~decline-")]


def test_tags_narrow_and_with_a_name_both_must_match():
    email = ids([DEMO], tags=["email"])
    assert "mail-order" in email and "happy-path" not in email
    assert ids([DEMO], tags=["email"], journeys=["mail-*"]) == ["mail-newsletter", "mail-order"]
    assert ids([DEMO], tags=["EMAIL"]) == email  # tags in any case


def test_the_setup_journeys_a_selected_journey_uses_come_along():
    assert ids(API, journeys=["account-order"]) == ["login", "account-order"]
    assert ids(API, journeys=["offer*"])[0].startswith("offer")
    assert "login" not in ids(API, journeys=["offer*"])


def test_a_selection_that_picks_nothing_says_what_there_is():
    with pytest.raises(ValidationFailed) as caught:
        config.resolve([DEMO], {**BASE, "journeys": ["stok-out"], "tags": ["emial"]}, {})
    lines = [error.message for error in caught.value.errors]
    assert lines[0].startswith("--journey 'stok-out' matches no journey of this run (journeys: a11y-violations, ")
    assert "stock-out" in lines[0]
    assert lines[1].startswith("--tag 'emial' is on no journey of this run (tags: ") and "email" in lines[1]
    with pytest.raises(ValidationFailed) as caught:
        config.resolve([DEMO], {**BASE, "journeys": ["happy-path"], "tags": ["email"]}, {})
    assert caught.value.errors[0].message.startswith("no journey matches both 'happy-path' and the tag(s) 'email'")


def test_the_selection_is_made_before_the_shards_split_it():
    settings = config.resolve([DEMO], {**BASE, "tags": ["email"]}, {})
    chosen, info = shards.plan(settings.name, settings.journeys, settings.rules, shards.parse_shard("1/2"), {}, None)
    assert sorted(info.audit_journeys) == sorted(j.id for j in settings.journeys)
    assert {j.id for j in chosen} <= {j.id for j in settings.journeys}


def test_run_with_an_unmatched_journey_exits_2_listing_the_journeys():
    out = CliRunner().invoke(main, ["run", DEMO, "--journey", "nope"])
    assert out.exit_code == 2
    assert "--journey 'nope' matches no journey of this run (journeys: " in out.output


def test_list_prints_the_runs_with_their_ids_and_probes_prints_the_built_in_cases():
    out = CliRunner().invoke(main, ["list", DEMO, "--journey", "probes"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].startswith("probes ") and "journey" in lines[0]
    assert any(line.startswith("probes~decline-stripe-generic ") and "probe: " in line for line in lines)
    out = CliRunner().invoke(main, ["probes"])
    assert out.exit_code == 0
    assert "stripe-generic" in out.output and "4000 0000 0000 0002" in out.output and "(default)" in out.output
    assert "bad_email" in out.output and "JOURNEY~bad-email" in out.output


def test_list_shows_matrix_variants_and_needs_no_base_url():
    out = CliRunner().invoke(main, ["list", *API, "--journey", "offer"])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0].startswith("offer[Desktop Chrome,en-US]  variant: device Desktop Chrome, locale en-US")
    assert len(out.stdout.splitlines()) == 4
