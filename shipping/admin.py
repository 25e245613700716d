"""Staff admin of the shipping domain."""
