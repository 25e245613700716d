"""Models of the shipping domain; see ARCHITECTURE.md."""
