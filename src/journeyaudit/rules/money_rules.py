"""JA2xx: what the customer pays differs from what they were shown."""
