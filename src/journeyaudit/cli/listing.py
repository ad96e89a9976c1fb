"""``journeyaudit list`` (what a run would do, with ids) and ``journeyaudit probes`` (the built-in probes)."""

from __future__ import annotations

import click

from journeyaudit.cli.common import EXIT_USAGE, fail, rule_catalogue

LIST_EPILOG = """\b
Examples:
  journeyaudit list audits/demo.yaml
  journeyaudit list audits/demo.yaml --tag email
  journeyaudit list audits/demo.yaml --journey 'happy-path*'     # then: run ... --journey 'happy-path*'
"""


def _kind(journey) -> str:
    if journey.setup:
        return "setup"
    if journey.probe is not None:
        return f"probe: {journey.probe.label}"
    if journey.variant is not None:
        return "variant: " + ", ".join(f"{k} {v}" for k, v in journey.variant.values.items())
    return "journey"


@click.command("list", epilog=LIST_EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--journey", multiple=True, metavar="NAME", help="As `run --journey`: only journeys matching this glob.")
@click.option("--tag", multiple=True, metavar="TAG", help="As `run --tag`: only journeys with this tag.")
def list_command(files, journey, tag) -> None:
    """Print the journeys and probe/matrix variants a run would do, with their ids.

    FILES is an audit profile or journey files, as for `run`. Each line: the id (what
    `run --journey` and the report use), what it is, its name and tags. No browser starts.
    """
    from journeyaudit.report.terminal import flat
    from journeyaudit.spec.config import resolve
    from journeyaudit.spec.yamlsource import ValidationFailed

    overrides = {"journeys": list(journey) or None, "tags": list(tag) or None, "base_url": None}
    try:
        settings = resolve(list(files), overrides, rules=rule_catalogue())
    except ValidationFailed as exc:
        if "no base URL" not in str(exc):
            fail(f"invalid input:\n{exc}", EXIT_USAGE)
        settings = resolve(list(files), {**overrides, "base_url": "http://shop.invalid"}, rules=rule_catalogue())
    width = max((len(j.id) for j in settings.journeys), default=10)
    for item in settings.journeys:
        tags = f"  [{', '.join(item.tags)}]" if item.tags else ""
        click.echo(f"{flat(item.id):<{width}}  {flat(_kind(item))}  {flat(item.name)!r}{flat(tags)}")
    plain = sum(1 for j in settings.journeys if j.probe is None and j.variant is None)
    click.echo(f"{len(settings.journeys)} runs: {plain} journeys, {len(settings.journeys) - plain} variants", err=True)


_EXAMPLES = {"bad_email": "anna@example.com", "short_postcode": "10115", "card_typo": "4242", "expired_date": "12/34"}


@click.command("probes")
def probes_command() -> None:
    """List the built-in decline test cards and bad inputs, with the ids journeys name them by.

    In a journey: `probes: {decline_cards: [stripe-generic], invalid_inputs: [bad_email]}`
    (or `decline_cards: true`: the cards marked default). Each becomes a variant
    JOURNEY~decline-ID or JOURNEY~CASE (see `journeyaudit list`).
    """
    from journeyaudit.spec.probes import _INPUT_CASES, DECLINE_CARDS, bad_value

    click.echo("Decline test cards (probes.decline_cards):")
    for card in DECLINE_CARDS:
        default = "  (default)" if card.default else ""
        holder = f", name on card {card.holder_name}" if card.holder_name else ""
        click.echo(f"  {card.id:<30} {card.provider:<10} {card.number}  {card.reason}{holder}{default}")
    click.echo("\nBad inputs (probes.invalid_inputs):")
    for case in _INPUT_CASES.values():
        said = bad_value(case.case, _EXAMPLES[case.case])[1].split(":")[0]
        click.echo(f"  {case.case:<30} {said} (variant JOURNEY~{case.case.replace('_', '-')})")
