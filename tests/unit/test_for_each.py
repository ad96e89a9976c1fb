"""for_each over a crawl: the variants it makes, its sample, and the located errors of a bad one."""

from __future__ import annotations

import pytest

from journeyaudit.crawl.products import journey_products
from journeyaudit.spec import for_each
from journeyaudit.spec.journey import journey_from_document
from journeyaudit.spec.yamlsource import ValidationFailed, load

JOURNEY = """name: Buy each
for_each: {crawl: products, where: {available: true}, sample: 2}
steps:
  - name: Page of ${product.name}
    role: product
    actions:
      - goto: "${product.url}"
      - expect: {text: "${product.price}"}
"""
CRAWL = {"kind": "crawl", "base_url": "http://shop.test", "products": [
    {"url": f"http://shop.test/p/mug-{i}", "name": f"Mug {i}", "visible_price": f"{i}.00", "status": 200,
     "category": "Mugs", "visible_availability": "sold_out" if i == 3 else "in_stock", "add_to_cart": "enabled"}
    for i in range(6)]}


def journey(tmp_path, text):
    path = tmp_path / "each.yaml"
    path.write_text(text)
    return journey_from_document(load(path, {}))


def test_each_product_is_a_variant_with_its_fields_filled_in(tmp_path):
    products = journey_products(CRAWL)
    assert products[0] == {"url": "/p/mug-0", "name": "Mug 0", "price": "0.00", "slug": "mug-0", "category": "Mugs",
                           "available": True}
    variants = for_each.expand(journey(tmp_path, JOURNEY), products)
    assert len(variants) == 2 and all(v.id.startswith("each[mug-") for v in variants)
    assert variants == sorted(variants, key=lambda v: v.id)
    first = variants[0]
    slug = first.id[len("each["):-1]
    assert first.steps[0].actions[0].params == {"url": f"/p/{slug}"}
    assert first.steps[0].name == f"Page of Mug {slug[-1]}" and first.variant.of == "each"
    again = for_each.expand(journey(tmp_path, JOURNEY), list(reversed(products)))
    assert [v.id for v in again] == [v.id for v in variants]  # the same sample, whatever the order


def test_where_filters_and_no_sample_takes_all(tmp_path):
    products = journey_products(CRAWL)
    assert len(for_each.chosen(products, {"where": {"available": True}})) == 5
    assert [p["slug"] for p in for_each.chosen(products, {"where": {"available": False}})] == ["mug-3"]
    assert len(for_each.chosen(products, {"where": {"url": "*/mug-[12]"}})) == 2


@pytest.mark.parametrize("text, where, message", [
    (JOURNEY.replace("crawl: products", "crawl: pages"), "each.yaml:2:", "crawl"),
    (JOURNEY.replace("sample: 2", "sample: 0"), "each.yaml:2:", "sample"),
    (JOURNEY.replace("available: true", "in_stock: true"), "each.yaml:2:", "in_stock"),
    (JOURNEY.replace("${product.price}", "${product.cost}"), "each.yaml:8:", "unknown product field 'cost'"),
    (JOURNEY.replace("for_each: {crawl: products, where: {available: true}, sample: 2}\n", ""), "each.yaml:3:",
     "needs a for_each"),
])
def test_bad_for_each_is_a_located_error(tmp_path, text, where, message):
    with pytest.raises(ValidationFailed) as caught:
        journey(tmp_path, text)
    assert where in str(caught.value) and message in str(caught.value)
