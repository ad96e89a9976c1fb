"""JA5xx: the page itself is broken (console, network, scripts)."""
