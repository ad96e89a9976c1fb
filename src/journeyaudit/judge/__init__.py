"""Stage 4: run the rules over a recorded run and its facts; select/ignore, options, outcomes."""
