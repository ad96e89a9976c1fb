"""Devices and locales (spec/matrix.py): validation, expansion into variants, the device list kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.gather.contexts import context_options
from journeyaudit.report.variants_view import variant_groups
from journeyaudit.spec import config, matrix
from journeyaudit.spec.device_names import DEVICE_NAMES
from tests.unit import journey_files
from tests.unit.journey_files import errors_of

JOURNEY = """
name: Checkout
matrix: {matrix}
steps:
  - name: Product page
    role: product
    actions:
      - goto: /
"""


def write(tmp_path: Path, text: str, name: str = "checkout.yaml") -> Path:
    return journey_files.write(tmp_path, text, name)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{device: ["iPhone 13", "Desktop Chrom"]}',
         "2:32: 'device': unknown device 'Desktop Chrom': use a name from Playwright's device list "
         "(close: 'Desktop Chrome', 'Desktop Chrome HiDPI', 'Desktop Firefox', 'Desktop Safari')"),
        ('{locale: [en-US, "english!"]}', "2:26: 'locale': 'english!' is not a locale: write a language tag such as en-US or de-DE"),
        ("{timezone: [Europe/Berln]}", "2:21: 'timezone': unknown time zone 'Europe/Berln': use an IANA name such as "
         "Europe/Berlin (close: 'Europe/Berlin', 'Europe/Dublin', 'Europe/Belfast', 'Europe/Helsinki')"),
        ("{geolocation: [{latitude: 95, longitude: 0}]}", "2:35: 'latitude': input should be less than or equal to 90"),
        ("{}", "2:9: 'matrix': matrix needs at least one of device, locale, timezone, geolocation"),
        ("{locale: []}", "2:18: 'locale' needs at least one item"),
        ("{locale: [en-US, en-US]}", "2:9: 'matrix': matrix.locale lists a value twice"),
        ("{devices: [iPhone 13]}", "2:10: unknown key 'devices' in matrix (allowed: device, locale, timezone, geolocation)"),
    ],
)
def test_bad_matrix_values_are_located(tmp_path, value, message):
    path = write(tmp_path, JOURNEY.replace("{matrix}", value))
    assert errors_of(path) == [f"{path}:{message}"]


def test_each_combination_is_a_journey_of_its_own(tmp_path):
    path = write(tmp_path, JOURNEY.replace("{matrix}", '{device: ["Desktop Chrome", "iPhone 13"], locale: [en-US, de-DE]}'))
    settings = config.resolve([path], {"base_url": "http://shop.test"}, {})
    assert [j.id for j in settings.journeys] == [
        "checkout[Desktop Chrome,en-US]", "checkout[Desktop Chrome,de-DE]", "checkout[iPhone 13,en-US]", "checkout[iPhone 13,de-DE]"]
    last = settings.journeys[-1]
    assert last.context == {"device": "iPhone 13", "locale": "de-DE"}
    assert last.variant == model.Variant(of="checkout", values={"device": "iPhone 13", "locale": "de-DE"})
    assert last.name == "Checkout [iPhone 13,de-DE]"


def test_the_profile_matrix_applies_to_journeys_without_their_own_but_not_to_setup_journeys(tmp_path):
    write(tmp_path, JOURNEY.replace("matrix: {matrix}\n", ""), "plain.yaml")
    write(tmp_path, JOURNEY.replace("{matrix}", "{locale: [fr-FR]}"), "own.yaml")
    write(tmp_path, JOURNEY.replace("matrix: {matrix}\n", "setup: true\n"), "login.yaml")
    profile = write(tmp_path, "name: p\nbase_url: http://shop.test\njourneys: ['*.yaml']\n"
                    "matrix: {timezone: [Europe/Berlin, America/New_York]}\n", "p.yaml")
    (tmp_path / "p.yaml").rename(tmp_path / "p.profile")
    settings = config.resolve([tmp_path / "p.profile"], {}, {})
    assert [j.id for j in settings.journeys] == [
        "login", "own[fr-FR]", "plain[Europe/Berlin]", "plain[America/New_York]"]
    assert settings.journeys[2].context == {"timezone_id": "Europe/Berlin"}
    assert profile  # written, then renamed so that its own glob does not list it


def test_a_geolocation_sets_position_and_permission():
    journey = model.Journey(id="j", name="J", path="j.yaml", context={"geolocation": {"latitude": 52.5, "longitude": 13.4}})
    options = context_options(None, journey, (1280, 800), None, "/tmp/state.json")
    assert options["geolocation"] == {"latitude": 52.5, "longitude": 13.4}
    assert options["permissions"] == ["geolocation"] and options["storage_state"] == "/tmp/state.json"
    assert options["locale"] == "en-GB" and options["viewport"] == {"width": 1280, "height": 800}


def test_variant_labels_of_a_geolocation():
    combos = matrix.combinations({"geolocation": [{"latitude": 52.52, "longitude": 13.405}]})
    assert combos == [({"geolocation": "52.52 13.405"}, {"geolocation": {"latitude": 52.52, "longitude": 13.405}})]


def test_the_report_groups_variants_and_says_what_differs():
    result = model.Result(audit="a", base_url="http://shop.test")
    for label, status, ms in (("Desktop Chrome", "passed", 3000), ("iPhone 13", "failed", 3200)):
        result.runs.append(model.RunSummary(journey_id=f"c[{label}]", journey_name=f"C [{label}]", journey_path="c.yaml",
                                            status=status, duration_ms=ms, variant=model.Variant("c", {"device": label})))
    result.findings.append(model.Finding(code="JA605", slug="accessibility-violation", severity="medium", journey="c[iPhone 13]"))
    (group,) = variant_groups(result, [])
    assert group.name == "C" and group.axes == ["device"]
    assert group.differs == ["outcome", "findings"]  # 3.0 s against 3.2 s is no difference
    assert [row.findings for row in group.rows] == [[], [{"code": "JA605", "slug": "accessibility-violation", "severity": "medium"}]]


def test_the_device_list_is_playwrights():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        assert tuple(sorted(playwright.devices)) == DEVICE_NAMES, "regenerate spec/device_names.py"
