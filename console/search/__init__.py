"""Agents' knowledge search (/console/search?q=...): ranked passages with the matched words marked."""

from console.search.views import bp

__all__ = ["bp"]
