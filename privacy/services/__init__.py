"""Use cases of the privacy domain, one module per feature."""
