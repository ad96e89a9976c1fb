"""JA4xx: the shop is slow or does not react."""
