"""The one lxml parse per step reads like the BeautifulSoup tree the facts were written against."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from journeyaudit.facts import computed, html_tree, messages
from journeyaudit.model import Run, StepRecord

ROWS = (
    '<table><thead><tr><th>Name</th><th>Price</th></tr></thead>'
    '<tr><td><a href="#">Mug <i>blue</i></a> x<script>track()</script></td><td>2</td>'
    '<td><input type="number" value="3"></td></tr></table>'
    '<button disabled>Add <!-- hidden comment --> to cart</button><style>p{}</style>'
)

READINGS = {
    "rows": lambda page: [row.get_text(" ") for row in page.find_all("tr")],
    "link": lambda page: page.find("a").get_text("|"),
    "stripped": lambda page: list(page.find("td").stripped_strings),
    "number": lambda page: page.find("input", attrs={"type": "number"}).get("value"),
    "cells": lambda page: [len(row.find_all(["td", "th"], recursive=False)) for row in page.find_all("tr")],
    "thead": lambda page: [row.find_parent("thead") is not None for row in page.find_all("tr")],
    "disabled": lambda page: page.find("button").has_attr("disabled"),
    "button": lambda page: page.find("button").get_text(" "),
    "names": lambda page: [tag.name for tag in page.find("table").find_all(True)],
}


@pytest.mark.parametrize("reading", sorted(READINGS))
def test_reads_like_beautifulsoup(reading):
    read = READINGS[reading]
    assert read(html_tree.parse(ROWS)) == read(BeautifulSoup(ROWS, "html.parser"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<div class="error">Error<span hidden>x</span>: bad</div>', ["Error : bad"]),  # the tail stays its own string
        ('<ul class="errors"><li>One</li><li hidden>Two</li><li>Three <b>!</b></li></ul>', ["One", "Three !"]),
        ('<div role="alert">Pay <!-- c --> now<script>x()</script> please<template>t</template></div>',
         ["Pay now please"]),
        ('<div class="alert"><ruby>漢<rt>kan</rt></ruby> ok</div>', ["漢 ok"]),
        ('<div class="alert" style="display:none">no</div><div class="warning">yes &amp; more</div>', ["yes & more"]),
    ],
)
def test_error_texts_from_one_parse(html, expected):
    assert messages.error_texts(html) == expected
    page = html_tree.parse(html)
    before = html_tree.lxml_html.tostring(page)
    assert messages.error_texts_in(page) == expected
    assert html_tree.lxml_html.tostring(page) == before  # the shared page is read, not changed


def test_no_markup_parses_to_none():
    assert html_tree.parse("") is None
    assert html_tree.parse("  \n") is None
    assert html_tree.parse("<!-- only a comment -->") is None
    assert html_tree.parse("<p>a<!-- c -->b</p>").find("p").get_text("|") == "a|b"
    assert html_tree.parse('<?xml version="1.0" encoding="utf-8"?><p>x</p>').find("p").get_text() == "x"


def test_step_parsed_once_while_judging():
    step = StepRecord(index=1, name="basket", role="basket", html=ROWS)
    run = Run(journey_id="j", journey_name="J", journey_path="j.yaml", base_url="http://shop.test", steps=[step])
    with computed.judging(run):
        assert computed.soup(step) is computed.soup(step)
        assert computed.error_texts(step) == []
    assert computed.soup(step) is not computed.soup(step)  # outside a judgement nothing is kept


def test_deeply_nested_pages_are_read_to_the_end():
    """libxml2 stops at 256 levels unless told otherwise, and Python recursion at about 1,000:
    neither may cut a page short (browsers build at most 512 levels from markup)."""
    deep = "<div>" * 1500 + '<p class="error">deep</p>' + "</div>" * 1500 + '<p class="error">after</p>'
    assert messages.error_texts(deep) == ["deep", "after"]
    assert html_tree.parse(deep).get_text("|") == "deep|after"


THEMES = Path(__file__).resolve().parents[1] / "fixtures" / "themes"
NESTED_TEXT = (ROWS + "<template><div><p>Not <b>shown</b></p></div></template><p>Ruby <ruby>漢<rt>kan</rt></ruby>"
               "  spaced\n out <!-- c --> text</p>")


@pytest.mark.parametrize("html", [NESTED_TEXT, *(path.read_text(encoding="utf-8") for path in sorted(THEMES.glob("*.html")))])
@pytest.mark.parametrize("keep", [1000, 12])
def test_text_index_reads_each_element_as_get_text_does(html, keep):
    page = html_tree.parse(html)
    texts = html_tree.TextIndex(page, keep=keep)
    for element in page.iter(html_tree.etree.Element):
        expected = " ".join(element.get_text(" ").split())
        assert texts.text(element) == expected
        assert texts.kept(element) == (expected if len(expected) <= keep else None)


def test_text_index_reads_an_element_of_another_parse_afresh():
    texts = html_tree.TextIndex(html_tree.parse(ROWS))
    other = html_tree.parse(ROWS).find("a")
    assert texts.text(other) == texts.kept(other) == "Mug blue"
