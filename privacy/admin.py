"""Staff admin of the privacy domain."""
