"""Stage 2: drive Chromium through a journey and record what the customer met. The only stage that imports Playwright."""
