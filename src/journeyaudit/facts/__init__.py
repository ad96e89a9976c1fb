"""Stage 3: pure readings of a recorded run (money, wording, messages, structured data, the ledger). No browser, no report."""
