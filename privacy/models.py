"""Models of the privacy domain; see ARCHITECTURE.md."""
