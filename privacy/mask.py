"""Mask a member's own identifiers for display to that member or an agent (张*厚, 9901**********1132)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first and last character of a name: 张三 → 张*, 张文厚 → 张*厚, 欧阳文厚 → 欧**厚."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    """Show the first four and last four characters of an ID number, the rest as ``*``."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """Show the first three and last four digits of a phone number: 199****1132."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
