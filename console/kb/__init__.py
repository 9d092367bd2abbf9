"""The knowledge-base editor: list, edit with preview, review by another editor, publish through the gate,
history with diffs, rollback, retire, and bulk import/export."""

from console.kb import review, transfer, views  # noqa: F401 - each module adds its pages to bp
from console.kb.blueprint import bp

__all__ = ["bp"]
