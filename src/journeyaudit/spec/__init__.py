"""Stage 1: read and validate what the user wrote (journeys, profiles, probe specs), with file:line:col errors. No browser."""
