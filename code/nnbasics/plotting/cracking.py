"""Placeholder: filled in with the chapter."""
