"""The demo catalogue: deterministic, every product in the sitemap, defects only where they are seeded."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from journeyaudit.demo import catalogue_data
from journeyaudit.demo.shop import DemoShop


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


def get(shop, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(shop.url + path) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_catalogue_is_a_few_hundred_products_over_categories():
    assert len(catalogue_data.PRODUCTS) >= 300 and len(catalogue_data.CATEGORIES) >= 5
    assert len({p.slug for p in catalogue_data.PRODUCTS}) == len(catalogue_data.PRODUCTS)
    assert catalogue_data._make() == catalogue_data.PRODUCTS  # deterministic


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_the_checkout(shop):
    status, text = get(shop, "/robots.txt")
    assert status == 200 and f"Sitemap: {shop.url}/sitemap.xml" in text and "Disallow: /checkout" in text


def test_sitemap_index_lists_every_catalogue_product(shop):
    _, index = get(shop, "/sitemap.xml")
    listed: set[str] = set()
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        _, part = get(shop, loc.removeprefix(shop.url))
        listed |= {url.removeprefix(shop.url) for url in re.findall(r"<loc>([^<]+)</loc>", part)}
    assert {p.url for p in catalogue_data.PRODUCTS} <= listed


def test_listing_paginates(shop):
    status, first = get(shop, "/catalogue/grinders")
    assert status == 200 and 'rel="next" href="/catalogue/grinders?page=2"' in first
    assert first.count('class="product-card"') == catalogue_data.PAGE_SIZE
    assert get(shop, "/catalogue/grinders?page=99")[0] == 404


def test_seeded_http_defects(shop):
    assert get(shop, "/catalogue/p/filters-linen-paper-filters-6")[0] == 404
    status, body = get(shop, "/catalogue/p/beans-ember-espresso-roast-15")
    assert status == 200 and "not found" in body.lower()
    assert get(shop, "/catalogue/img/grinders-cobalt-burr-grinder-7.svg")[0] == 404
    assert get(shop, "/catalogue/img/grinders-nordic-burr-grinder-0.svg")[0] == 200


def test_original_shop_pages_still_answer(shop):
    assert get(shop, "/")[0] == 200
    assert get(shop, "/product/aeropress-go")[0] == 200
