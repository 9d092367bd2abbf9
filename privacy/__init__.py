"""Privacy helpers shared by every layer: redact identifiers from free text, mask them for display."""

from privacy.mask import mask_id_number, mask_name, mask_phone
from privacy.redact import PLACEHOLDERS, contains_redactions, redact

__all__ = ["PLACEHOLDERS", "contains_redactions", "redact", "mask_id_number", "mask_name", "mask_phone"]
