"""The `journeyaudit` command line (click)."""
