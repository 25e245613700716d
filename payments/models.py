"""Models of the payments domain; see ARCHITECTURE.md."""
