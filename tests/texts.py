"""Reading what regiebot wrote."""

from __future__ import annotations

REFERENCE_LINE = "Uw casusnummer: "


def reference_in(text: str) -> str:
    """The casus reference an advice message carries."""
    return next(
        line.removeprefix(REFERENCE_LINE)
        for line in text.splitlines()
        if line.startswith(REFERENCE_LINE)
    )
