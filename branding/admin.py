"""Staff admin of the branding domain."""
