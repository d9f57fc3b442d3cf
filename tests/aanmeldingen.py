"""Whole aanmeldingen as a melder types them, shared by the tests that need a casus of a kind."""

from __future__ import annotations

# A minor under OTS with LVB: the William Schrikker Groep (reguliere casusregie).
OTS_LVB = (
    "ja",
    "een persoon",
    "maatregel",
    "ots",
    "15",
    "lvb",
    "jeugdbescherming",
    "geen",
    "overslaan",
)
# An adult with LVB, no maatregel: MEE, after screening by the ZVH.
VRIJWILLIG_LVB = ("ja", "een persoon", "vrijwillig", "30", "lvb", "zorg", "geen", "overslaan")
