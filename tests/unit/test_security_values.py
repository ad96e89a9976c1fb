"""Values as written (issue 14, class 4): YAML 1.1 number forms never change what is typed."""

from __future__ import annotations

import json

import pytest

from journeyaudit.spec.journey import ValidationFailed, journey_from_document
from journeyaudit.spec.yamlsource import parse

JOURNEY = """\
name: Values as written
steps:
  - name: Address
    role: shipping
    actions:
      - goto: /checkout
      - fill: {{selector: "#field", value: {value}}}
"""


def _typed(value: str) -> str:
    journey = journey_from_document(parse(JOURNEY.format(value=value), "j.yaml"))
    return journey.steps[0].actions[1].params["value"]


@pytest.mark.parametrize("written", ["01067", "12:30", "1.10", "0x12", "1_000", "+49", "1e3", "007", "4242424242424242"])
def test_fill_types_the_text_in_the_file(written):
    assert _typed(written) == written


def test_select_value_as_written():
    text = JOURNEY.format(value="x").replace('fill: {selector: "#field", value: x}', 'select: {selector: "#s", value: 0755}')
    assert journey_from_document(parse(text, "j.yaml")).steps[0].actions[1].params["value"] == "0755"


def test_a_boolean_word_is_an_error_not_true():
    with pytest.raises(ValidationFailed) as caught:
        _typed("yes")
    assert "j.yaml:7:" in str(caught.value)


def test_numbers_stay_numbers_for_numeric_settings():
    doc = parse("width: 01067\nratio: 1.10\n", "p.yaml")
    assert doc.data == {"width": 567, "ratio": 1.1}
    assert json.dumps(doc.data) == '{"width": 567, "ratio": 1.1}'
    assert f"{doc.data['width']:d}" == "567" and f"{doc.data['ratio']:.1f}" == "1.1"
