"""``journeyaudit init [DIR]``: start a new project with the schemas, a profile and a journey.

The schemas are written into the project (``schema/``) and the samples' first lines
point at them (``# yaml-language-server: $schema=../schema/journey.schema.json``), so an
editor validates the files without this repository or a network.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

SAMPLE_PROFILE = """\
# yaml-language-server: $schema=../schema/audit.schema.json
# An audit profile: which shop, which journeys, what fails the audit.
# Run it with `journeyaudit run audits/staging.yaml`; `journeyaudit check` validates it.
name: staging
base_url: https://staging.example.com   # or JOURNEYAUDIT_BASE_URL, or --base-url
journeys: ["../journeys/*.yaml"]        # relative to this file
journeys_root: ..                       # journeys must be inside this folder (default: this file's)
fail_on: high                           # low | medium | high | critical | none
timeouts: {action_ms: 10000, navigation_ms: 30000}
rules:
  ignore: []                            # codes (JA501), prefixes (JA5) or slugs
  options:
    JA401: {budget_ms: 4000}            # a step slower than this is reported
"""

SAMPLE_JOURNEY = """\
# yaml-language-server: $schema=../schema/journey.schema.json
# A journey: what a customer does, step by step. Adapt the URLs, selectors and texts to
# your shop; `journeyaudit rules` lists what is checked on the recording.
name: Buy a product as a guest
steps:
  - name: Product page
    role: product
    actions:
      - goto: /
      - expect: {text: Add to cart}
  - name: Cart
    role: cart
    actions:
      - click: "role=button[name='Add to cart']"
      - expect: {text: Cart}
  - name: Payment
    role: payment
    actions:
      - click: text=Checkout
      # secret: true keeps the value out of every file; "${TEST_CARD}" would read it from the environment
      - fill: {selector: "#card-number", value: "4242 4242 4242 4242", secret: true}
"""


def _schemas() -> dict[str, Callable[[], dict[str, Any]]]:
    from journeyaudit.history import result_schema
    from journeyaudit.spec import config, journey

    return {
        "journey.schema.json": journey.json_schema,
        "audit.schema.json": config.json_schema,
        "result.schema.json": result_schema.json_schema,
    }


def project_files() -> dict[str, str]:
    """Relative path -> content of every file ``init`` writes."""
    files = {f"schema/{name}": json.dumps(make(), indent=2, ensure_ascii=False) + "\n" for name, make in _schemas().items()}
    files["audits/staging.yaml"] = SAMPLE_PROFILE
    files["journeys/guest-checkout.yaml"] = SAMPLE_JOURNEY
    return files


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Start a project in DIRECTORY: JSON Schemas, a sample audit profile and journey.

    Existing files are left alone unless --force is given (exit code 2).
    """
    files = project_files()
    existing = [name for name in files if (directory / name).exists()]
    if existing and not force:
        click.echo(f"error: already there: {', '.join(existing)} (use --force to overwrite)", err=True)
        sys.exit(2)
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    click.echo(
        "next: set base_url in audits/staging.yaml, adapt journeys/guest-checkout.yaml, then\n"
        f"  journeyaudit check {directory / 'audits' / 'staging.yaml'} {directory / 'journeys' / '*.yaml'}\n"
        f"  journeyaudit run {directory / 'audits' / 'staging.yaml'}"
    )
