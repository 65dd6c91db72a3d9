"""The bottom layer: errors, the entry model, provinces, settings, text and every URL.

Imports nothing else of the generator, and never MkDocs."""
