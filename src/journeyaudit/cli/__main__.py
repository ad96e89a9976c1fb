"""`python -m journeyaudit.cli`: the same as the `journeyaudit` command."""

from journeyaudit.cli.main import main

main()
