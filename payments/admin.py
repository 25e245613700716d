"""Staff admin of the payments domain."""
