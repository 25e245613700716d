"""Staff admin of the orders domain."""
