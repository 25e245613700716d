"""Models of the branding domain; see ARCHITECTURE.md."""
