"""Renderers: an Analysis -> text. They return strings; only the CLI writes."""
