"""JA1xx: the customer could not complete the purchase, or was not told what happened."""
