"""Persistence: traces and results on disk, fingerprints, the run history database, baselines and comparisons."""
