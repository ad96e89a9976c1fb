"""The ``journeyaudit`` command line.

Exit codes: 0 clean; 1 findings at or above ``fail_on`` (or a journey that
could not be recorded); 2 usage, configuration or validation error; 3 the audit
could not run (no browser, unreachable shop); 130 interrupted.
"""

from __future__ import annotations

import click

from journeyaudit import __version__
from journeyaudit.cli import (
    crawl_command,
    files,
    init_command,
    listing,
    record_command,
    rejudge,
    results,
    run,
    shards,
    tools,
)
from journeyaudit.cli.common import EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exit_code

__all__ = ["EXIT_CANNOT_RUN", "EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "exit_code", "main"]

EPILOG = """\b
Examples:
  journeyaudit run audits/demo.yaml
  journeyaudit run journeys/checkout.yaml --base-url https://staging.example.com --fail-on high
  journeyaudit run audits/staging.yaml --format junit --format sarif --baseline .journeyaudit-baseline.json
  journeyaudit run audits/staging.yaml --shard 1/3      # one CI job of three; then:
  journeyaudit merge shard-1/ shard-2/ shard-3/
  journeyaudit history --audit staging
  journeyaudit baseline create reports/latest/result.json
  journeyaudit check journeys/*.yaml audits/*.yaml
  journeyaudit rules JA301
  journeyaudit list audits/demo.yaml                     # the journeys and variants a run would do
  journeyaudit run audits/demo.yaml --journey 'happy-path*' --tag guest
\b
Exit codes: 0 clean, 1 findings at or above fail-on (baseline-suppressed ones do not
count), 2 invalid input or an unusable history database or baseline file,
3 the audit could not run (no browser, shop unreachable or gone silent, output not
writable), 130 interrupted.
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="journeyaudit")
def main() -> None:
    """Walk a web shop the way a customer does and report where it lets them down.

    Journeys (YAML) run in headless Chromium; every step is recorded, judged by
    rules with permanent codes (JA101 ...) and written as an HTML report.
    """


#: every command, in the order of `journeyaudit --help`; a new command module adds its command here
COMMANDS = (
    run.run,
    rejudge.audit_command,
    results.report,
    results.history,
    results.baseline,
    shards.merge,
    files.check,
    files.schema,
    files.rules,
    listing.list_command,
    listing.probes_command,
    tools.demo_shop,
    tools.doctor,
    init_command.init,
    crawl_command.crawl,
    record_command.record,
)
for command in COMMANDS:
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
