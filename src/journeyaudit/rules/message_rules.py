"""JA3xx: what the shop tells the customer is wrong, late or useless."""
