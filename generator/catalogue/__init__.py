"""The checked entries with their indexes, counts and citations, built before any output."""
