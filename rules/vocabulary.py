"""The names every layer shares: who someone is, where a casus and an offer stand, and what a
screening decided. Stored as their values; the database refuses any other."""

from enum import StrEnum


class Role(StrEnum):
    MELDER = "melder"
    REGISSEUR = "regisseur"
    COORDINATOR = "coordinator"


class CasusStatus(StrEnum):
    AANGEMELD = "aangemeld"
    AANGEBODEN = "aangeboden"
    OPGEPAKT = "opgepakt"
    IN_SCREENING = "in_screening"
    GEEN_INZET = "geen_inzet"
    SIGNALEREND = "signalerend"
    PROCESREGIE = "procesregie"
    BIJ_OOV = "bij_oov"
    GESLOTEN = "gesloten"


class AssignmentStatus(StrEnum):
    """Where one offer of a casus to one regisseur stands."""

    AANGEBODEN = "aangeboden"
    GEACCEPTEERD = "geaccepteerd"
    AFGEWEZEN = "afgewezen"
    VERLOPEN = "verlopen"
    INGETROKKEN = "ingetrokken"


class ScreeningOutcome(StrEnum):
    """What the ZVH informatieregisseur decides after screening an aanmelding."""

    GEEN_INZET = "geen_inzet"
    SIGNALEREND = "signalerend"
    PROCESREGIE = "procesregie"


class GroupFinding(StrEnum):
    """What the ZVH regisseurs found about a group aanmelding as a whole."""

    SIGNALEREND = "signalerend"  # they share their findings with the instelling the group shares
    GROEPSAANPAK = "groepsaanpak"  # the members' regisseurs align their approach
    VERBANDEN = "verbanden"  # connected, but each casus goes its own way
    GEEN_VERBAND = "geen_verband"
