"""What the lifecycle says, in Dutch: the offer a regisseur gets, what a melder hears back, a
casus card with the actions allowed on it, and why a press changes nothing. Pure: the service
gathers the facts of a casus (`CasusFacts`); every channel renders the `Card`s alike."""

from __future__ import annotations

from dataclasses import dataclass

from conversation.casus import About, Refusal, Trigger
from conversation.privacy import identifying_detail
from rules.vocabulary import AssignmentStatus, CasusStatus, Role, ScreeningOutcome

STATUS_TEXT = {
    CasusStatus.AANGEMELD: "aangemeld",
    CasusStatus.AANGEBODEN: "aangeboden aan een regisseur",
    CasusStatus.OPGEPAKT: "opgepakt",
    CasusStatus.IN_SCREENING: "in screening",
    CasusStatus.GEEN_INZET: "gescreend: geen inzet, de reguliere hulpverlening heeft de regie",
    CasusStatus.SIGNALEREND: "gescreend: signalerende functie",
    CasusStatus.PROCESREGIE: "gescreend: procesregie",
    CasusStatus.BIJ_OOV: "bij de gemeente (afdeling OOV)",
    CasusStatus.GESLOTEN: "gesloten",
}
STATUS_LABEL = {  # a status on a button
    CasusStatus.AANGEMELD: "Aangemeld",
    CasusStatus.AANGEBODEN: "Aangeboden",
    CasusStatus.OPGEPAKT: "Opgepakt",
    CasusStatus.IN_SCREENING: "In screening",
    CasusStatus.GEEN_INZET: "Geen inzet",
    CasusStatus.SIGNALEREND: "Signalerend",
    CasusStatus.PROCESREGIE: "Procesregie",
    CasusStatus.BIJ_OOV: "Bij OOV",
    CasusStatus.GESLOTEN: "Gesloten",
}
SCREENING_LABEL = {
    ScreeningOutcome.GEEN_INZET: "Geen inzet",
    ScreeningOutcome.SIGNALEREND: "Signalerend",
    ScreeningOutcome.PROCESREGIE: "Procesregie",
}
SCREENING_MEANS = {  # what a screening's outcome means for the melder
    ScreeningOutcome.GEEN_INZET: (
        "Inzet van het Zorg- en Veiligheidshuis is niet nodig: de reguliere hulpverlening neemt "
        "de casusregie. U kunt uw zorgen met hen blijven bespreken; u hoeft nu niets te doen."
    ),
    ScreeningOutcome.SIGNALEREND: (
        "De regisseurs nemen een signalerende functie: zij delen hun bevindingen met de "
        "betrokken instelling(en) en houden de ontwikkelingen in de gaten. U hoeft nu niets te "
        "doen; nieuwe zorgen kunt u opnieuw aanmelden."
    ),
    ScreeningOutcome.PROCESREGIE: (
        "De procesregisseurs van het Zorg- en Veiligheidshuis starten procesregie. Een "
        "casusregisseur van {partij} wordt gevraagd de casusregie te voeren; u hoort wie dat is."
    ),
}
PROCESREGIE_ASK = (
    "Het Zorg- en Veiligheidshuis is procesregie gestart en vraagt u de casusregie te voeren."
)
DECLINE_REASONS = {  # code -> button label; a typed reason is "anders"
    "capaciteit": "Geen ruimte in mijn caseload",
    "expertise": "Past niet bij mijn expertise",
    "afwezig": "Ik ben afwezig",
    "partij": "Hoort bij een andere partij",
}


@dataclass(frozen=True, slots=True)
class Action:
    """A button on a casus message: `action` on `subject` (an offer's or a casus's id)."""

    label: str
    action: str
    subject: str


@dataclass(frozen=True, slots=True)
class Card:
    """One message about a casus, with the actions it offers."""

    text: str
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class CasusFacts:
    """What the texts show of a casus, gathered by the service; names and dates as shown."""

    reference: str
    status: CasusStatus
    reported_on: str
    age_days: int
    answer_lines: tuple[str, ...]
    partij_name: str  # advised
    outcome_label: str
    reasons: tuple[str, ...]
    melder_partij: str | None = None  # the melder's organisation, never their name
    holder: str | None = None  # "<naam>, <partij>"
    holder_since: str | None = None
    acting_partij: str | None = None  # the partij an offer or OOV's wait is about
    screening: ScreeningOutcome | None = None
    screening_note: str | None = None
    betrokken: tuple[str, ...] = ()  # found involved in screening, beside the melder's answer
    answer_before: str | None = None  # an open offer's deadline
    last_candidate: bool = False  # nobody else could be offered it now: without an answer, OOV
    close_reason: str | None = None
    werkdagen: int = 5
    coordinator_reason: str | None = None  # why a coördinator gave it elsewhere or reopened it
    chosen_partij: str | None = None  # the partij a coördinator gave it to against the advice
    history: tuple[str, ...] = ()  # "<datum>: <wat>" from the audit log, for coördinatoren
    group: tuple[str, ...] = ()  # the group aanmelding it belongs to and the group's finding


MAX_MESSAGE = 4096  # characters Telegram shows in one message


def fitting(text: str) -> str:
    """A whole casus in one message, however long a region's schema lets free text be."""
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part is not None)


def _advice(facts: CasusFacts) -> str:
    """The advice with its reasons; after afwijken, first who was chosen instead, and why."""
    advice = f"casusregie bij {facts.partij_name} ({facts.outcome_label})."
    reasons = [f"• {reason}" for reason in facts.reasons]
    if facts.chosen_partij is None:
        return _lines(f"Advies: {advice}", *reasons)
    return _lines(
        chosen_line(facts.chosen_partij),
        coordinator_reason_line(facts.coordinator_reason),
        "",
        f"Oorspronkelijk advies: {advice}",
        *reasons,
    )


def chosen_line(partij: str) -> str:
    return (
        f"In onderling overleg: een coördinator heeft de casusregie bij {partij} belegd, anders "
        "dan het advies."
    )


def coordinator_reason_line(reason: str | None) -> str | None:
    return f"Reden van de coördinator: {reason}" if reason else None


OOV_STEP = (
    "De afdeling Openbare Orde en Veiligheid van de gemeente bewaakt het proces en houdt de "
    "casusregie tot er een geschikte casusregisseur van {partij} beschikbaar is. U hoort van ons "
    "zodra de casus is overgedragen."
)
CHOSEN_STEP = {  # the next step after afwijken, by the status
    CasusStatus.AANGEBODEN: (
        "Een casusregisseur van {partij} is in onderling overleg gevraagd de casusregie te "
        "voeren. U hoort wie de casus oppakt."
    ),
    CasusStatus.IN_SCREENING: "Het Zorg- en Veiligheidshuis screent de aanmelding. U hoort "
    "binnen {werkdagen} werkdagen van ons.",
}
CHOSEN_TAKEN = "{partij} voert in onderling overleg de casusregie."
CLOSED_STEP = "Geen: de casus is gesloten."


def next_step_now(
    status: CasusStatus,
    advised_step: str,
    *,
    acting_partij: str | None,
    chosen_partij: str | None = None,
    screening: ScreeningOutcome | None = None,
    advised_partij: str = "",
    werkdagen: int = 5,
) -> str:
    """The next step that holds for a casus as it is now: the advice's, until OOV holds it, a
    screening has decided, a coördinator chose another partij, or it is closed."""
    if status == CasusStatus.GESLOTEN:
        return CLOSED_STEP
    if status == CasusStatus.BIJ_OOV:
        return OOV_STEP.format(partij=acting_partij)
    screened = status in (CasusStatus.GEEN_INZET, CasusStatus.SIGNALEREND, CasusStatus.PROCESREGIE)
    if screened and screening is not None:
        return SCREENING_MEANS[screening].format(partij=advised_partij)
    if chosen_partij is not None:
        step = CHOSEN_STEP.get(status, CHOSEN_TAKEN)
        return step.format(partij=chosen_partij, werkdagen=werkdagen)
    return advised_step


LONGEST_LINE = 1500  # characters of one answer shown, so the advice below it always fits


def _details(facts: CasusFacts) -> str:
    return _lines(
        "Gegevens van de aanmelding:",
        *(
            line if len(line) <= LONGEST_LINE else line[: LONGEST_LINE - 1] + "…"
            for line in facts.answer_lines
        ),
        f"• Betrokken (aangevuld): {', '.join(facts.betrokken)}" if facts.betrokken else None,
    )


def offer(facts: CasusFacts, offer_id: int, *, reminder: bool = False) -> Card:
    """The offer to a regisseur: the casus as the melder gave it, the advice and its reasons."""
    head = (
        f"Herinnering: casus {facts.reference} wacht nog op uw antwoord."
        if reminder
        else f"Nieuwe casus voor u: {facts.reference}"
    )
    asked = PROCESREGIE_ASK if facts.screening == ScreeningOutcome.PROCESREGIE else None
    text = "\n\n".join(
        part
        for part in (
            _lines(
                head,
                f"Aangemeld op {facts.reported_on} door {facts.melder_partij or 'een melder'}.",
            ),
            asked,
            _lines(*facts.group),  # aangemeld with others: the group's reference and finding
            _details(facts),
            _advice(facts),
            _deadline(facts),
        )
        if part
    )
    subject = str(offer_id)
    return Card(
        fitting(text),
        (Action("Accepteren", "accept", subject), Action("Afwijzen", "decline", subject)),
    )


def _deadline(facts: CasusFacts) -> str | None:
    """What happens to an offer left unanswered, as far as it is known now."""
    if facts.answer_before is None:
        return None
    if facts.last_candidate:
        return (
            f"Graag uw antwoord vóór {facts.answer_before}. Er is nu geen andere regisseur "
            "beschikbaar: zonder antwoord gaat de casus daarna naar de afdeling Openbare Orde en "
            "Veiligheid van de gemeente."
        )
    return (
        f"Graag uw antwoord vóór {facts.answer_before}; daarna gaat de casus naar de volgende "
        "regisseur."
    )


def notice(about: About, facts: CasusFacts) -> str:
    """What a notice says, to whoever the lifecycle named (the offer itself is `offer`)."""
    reference = facts.reference
    if about == About.OFFER_EXPIRED:
        return (
            f"Casus {reference} is niet op tijd beantwoord en is aan een andere regisseur "
            "aangeboden. U hoeft niets meer te doen."
        )
    if about == About.OFFER_EXPIRED_TO_OOV:
        return (
            f"Casus {reference} is niet op tijd beantwoord. Er was geen andere geschikte "
            "regisseur beschikbaar, dus de casus is naar de afdeling Openbare Orde en Veiligheid "
            "van de gemeente gegaan. U hoeft niets meer te doen."
        )
    if about == About.OFFER_WITHDRAWN:
        return (
            f"Het aanbod van casus {reference} is ingetrokken: de casus is gesloten. U hoeft "
            "niets meer te doen."
        )
    if about == About.OPGEPAKT:
        return f"Casus {reference} is opgepakt door {facts.holder}."
    if about == About.IN_SCREENING:
        return (
            f"Casus {reference} wordt gescreend door {facts.holder}. U hoort binnen "
            f"{facts.werkdagen} werkdagen van ons."
        )
    if about == About.NAAR_OOV:
        return (
            f"Voor casus {reference} is nu geen geschikte casusregisseur van "
            f"{facts.acting_partij} beschikbaar. De afdeling Openbare Orde en Veiligheid van de "
            "gemeente bewaakt het proces en houdt de casusregie tot er een geschikte regisseur "
            "is. U hoort van ons zodra de casus is overgedragen."
        )
    if about == About.BIJ_OOV:
        held = (
            f"Casus {reference} is bij u ondergebracht (afdeling OOV): er is nu geen geschikte "
            f"casusregisseur van {facts.acting_partij} beschikbaar. U houdt de casusregie tot "
            "er een is; u krijgt dan bericht en kunt de casus met één knop overdragen."
        )
        return fitting("\n\n".join((held, _details(facts), _advice(facts))))
    if about == About.SCREENED:
        assert facts.screening is not None
        means = SCREENING_MEANS[facts.screening].format(partij=facts.partij_name)
        return _lines(
            f"De screening van casus {reference} is afgerond: "
            f"{SCREENING_LABEL[facts.screening].lower()}.",
            means,
            f"Toelichting: {facts.screening_note}" if facts.screening_note else None,
        )
    if about == About.GESLOTEN:
        return _lines(
            f"Casus {reference} is gesloten.",
            f"Reden: {facts.close_reason}" if facts.close_reason else None,
        )
    if about == About.OFFER_REASSIGNED:
        return (
            f"Het aanbod van casus {reference} is ingetrokken: een coördinator heeft de casus in "
            "overleg elders belegd. U hoeft niets meer te doen."
        )
    if about == About.REASSIGNED_AWAY:
        return (
            f"Casus {reference} is niet langer bij u: een coördinator heeft hem in overleg aan "
            f"{facts.acting_partij} gegeven. U hoeft niets meer te doen."
        )
    if about == About.AFGEWEKEN:
        return _lines(
            f"Casus {reference} is in overleg door een coördinator aangeboden aan een "
            f"casusregisseur van {facts.acting_partij}. U hoort wie hem oppakt.",
            f"Reden: {facts.coordinator_reason}" if facts.coordinator_reason else None,
        )
    if about == About.HEROPEND:
        return _lines(
            f"Casus {reference} is door een coördinator heropend.",
            f"Reden: {facts.coordinator_reason}" if facts.coordinator_reason else None,
        )
    if about == About.RELEASED:
        return (
            f"De regisseur die casus {reference} had, werkt niet meer met regiebot. De casus is "
            f"opnieuw aangeboden aan een regisseur van {facts.acting_partij}. U hoort wie hem "
            "oppakt."
        )
    if about == About.RELEASED_TO_OOV:
        return (
            f"De regisseur die casus {reference} had, werkt niet meer met regiebot, en er is nu "
            f"geen andere geschikte regisseur van {facts.acting_partij} beschikbaar. De afdeling "
            "Openbare Orde en Veiligheid van de gemeente bewaakt het proces en houdt de "
            "casusregie tot er een is. U hoort van ons zodra de casus is overgedragen."
        )
    if about == About.OVERGEDRAGEN:
        return (
            f"Casus {reference} is door de afdeling OOV overgedragen en aangeboden aan een "
            f"casusregisseur van {facts.acting_partij}. U hoort wie hem oppakt."
        )
    raise ValueError(f"no text for {about}")


def nobody_at_oov(facts: CasusFacts) -> str:
    """To the coordinators, when a casus goes to OOV and OOV has no regisseur registered."""
    return (
        f"Casus {facts.reference} heeft geen regisseur: er is geen geschikte regisseur van "
        f"{facts.acting_partij} beschikbaar en ook geen regisseur van de afdeling OOV "
        "geregistreerd. Nodig een regisseur uit, of wijs de casus toe."
    )


def available_again(facts: CasusFacts, casus_id: int) -> Card:
    """To the OOV holder: someone suitable can take the casus now."""
    return Card(
        f"Voor casus {facts.reference} is weer een geschikte casusregisseur van "
        f"{facts.acting_partij} beschikbaar. Wilt u de casus overdragen? Dan wordt hij hun "
        "aangeboden.",
        (Action("Overdragen", "handover", str(casus_id)),),
    )


def card(facts: CasusFacts, actions: tuple[Action, ...] = ()) -> Card:
    """A casus as its regisseur sees it, with the actions allowed to them now."""
    age = "vandaag" if facts.age_days == 0 else f"{facts.age_days} dagen geleden"
    head = _lines(
        f"Casus {facts.reference}",
        f"Status: {STATUS_TEXT[facts.status]}",
        f"Aangemeld: {facts.reported_on} ({age})",
        f"Bij: {facts.holder}, sinds {facts.holder_since}" if facts.holder else None,
        f"Toelichting screening: {facts.screening_note}" if facts.screening_note else None,
        *facts.group,
    )
    history = _lines("Geschiedenis:", *(f"• {line}" for line in facts.history))
    parts = (head, _details(facts), _advice(facts), history if facts.history else None)
    return Card(fitting("\n\n".join(p for p in parts if p)), actions)


def card_line(facts: CasusFacts) -> str:
    age = "vandaag" if facts.age_days == 0 else f"{facts.age_days} d"
    return f"• {facts.reference}: {STATUS_TEXT[facts.status]} ({age})"


HISTORY = {  # audit actions as the card's history names them; others are not shown
    "casus_aangemeld": "aangemeld",
    "aangeboden": "aangeboden aan een regisseur",
    "geaccepteerd": "geaccepteerd",
    "afgewezen": "afgewezen",
    "herinnerd": "herinnering verstuurd",
    "verlopen": "aanbod verlopen",
    "gescreend": "gescreend",
    "betrokkene_toegevoegd": "betrokkene toegevoegd",
    "betrokkene_verwijderd": "betrokkene verwijderd",
    "naar_oov": "naar de afdeling OOV",
    "regisseur_beschikbaar": "weer een regisseur beschikbaar",
    "overgedragen": "overgedragen door OOV",
    "gesloten": "gesloten",
    "afgeweken": "in overleg elders belegd",
    "heropend": "heropend",
    "vrijgegeven": "opnieuw belegd: de regisseur is gedeactiveerd",
    "groepsbevinding": "groepsbevinding vastgelegd",
}
HISTORY_SHOWN = 15  # the newest entries a card shows


def history_line(moment: str, action: str, partij_name: str | None = None) -> str | None:
    """One entry of a card's history, or None for what the history leaves out (card views)."""
    word = HISTORY.get(action)
    if word is None:
        return None
    return f"{moment}: {word}" + (f" ({partij_name})" if partij_name else "")


REFUSED = {
    Refusal.NOT_YOURS: "Deze casus is niet aan u aangeboden en niet in uw handen: u kunt hier "
    "niets mee doen.",
    Refusal.NOT_NOW: "Dat kan nu niet meer: casus {reference} is intussen {status}.",
    Refusal.NOBODY_AVAILABLE: "Er is nu geen geschikte casusregisseur van {partij} beschikbaar "
    "die casus {reference} kan krijgen; de casus blijft {status}. Zodra er een is, komt er "
    "bericht met een knop om de casus over te dragen.",
}

STALE = (
    "Deze knop is verlopen. Met /mijn (regisseurs) of /casussen (coördinatoren) ziet u de "
    "casussen zoals ze nu zijn."
)
OFFER_ANSWERED = {
    AssignmentStatus.GEACCEPTEERD: "U heeft casus {reference} al geaccepteerd. Met /mijn ziet u "
    "hem terug.",
    AssignmentStatus.AFGEWEZEN: "U heeft casus {reference} al afgewezen; er verandert niets.",
    AssignmentStatus.VERLOPEN: "Dit aanbod is verlopen: casus {reference} is intussen verder "
    "gegaan, naar een andere regisseur of naar de afdeling OOV. U hoeft niets meer te doen.",
    AssignmentStatus.INGETROKKEN: "Dit aanbod is ingetrokken: casus {reference} is intussen "
    "elders belegd.",
}
DONE = {
    Trigger.ACCEPT: "U heeft casus {reference} geaccepteerd. De melder hoort dat u hem heeft "
    "opgepakt.",
    Trigger.DECLINE: "U heeft casus {reference} afgewezen; uw reden is bewaard. De casus is nu "
    "{status}.",
    Trigger.SCREEN: "De uitkomst van de screening van casus {reference} is vastgelegd. De melder "
    "is ingelicht.",
    Trigger.CLOSE: "Casus {reference} is gesloten. De melder is ingelicht.",
    Trigger.HAND_OVER: "Casus {reference} is overgedragen en aangeboden aan een casusregisseur.",
    Trigger.REASSIGN: "Casus {reference} is in overleg elders belegd; de melder is ingelicht.",
    Trigger.REOPEN: "Casus {reference} is heropend; de melder is ingelicht.",
}
SCREENING_TAKEN = (  # an offer to screen, accepted
    "U heeft casus {reference} geaccepteerd om te screenen. De melder hoort dat u de aanmelding "
    "screent."
)


def done(trigger: Trigger, status: CasusStatus, reference: str) -> str:
    """What the one who acted reads first: what they did and who was told. `status`: the
    casus's status after the move."""
    if trigger == Trigger.ACCEPT and status == CasusStatus.IN_SCREENING:
        return SCREENING_TAKEN.format(reference=reference)
    return DONE[trigger].format(reference=reference, status=STATUS_TEXT[status])


HANDED_OVER = "Casus {reference} is al overgedragen; u hoeft niets meer te doen."
NO_NAMES = "Noem geen namen, adressen, telefoonnummers of BSN: de melder leest mee."
CLOSE_QUESTION = (
    "Waarom sluit u casus {reference}? Typ een korte reden; de melder krijgt die te zien. "
    + NO_NAMES
)
NOTE_QUESTION = (
    "Uitkomst van de screening van casus {reference}: {outcome}. Typ een korte toelichting voor "
    "de melder, of kies Zonder toelichting. " + NO_NAMES
)
REASSIGN_PARTIJ = "Aan welke partij geeft u casus {reference}? Het advies was {partij}."
REASSIGN_REGISSEUR = "Aan wie van {partij} geeft u casus {reference}?"
NEXT_AVAILABLE = "Eerstvolgende beschikbare"
NOBODY_AVAILABLE = (
    "Bij {partij} is nu niemand beschikbaar die casus {reference} kan krijgen. Kies een andere "
    "partij of regisseur."
)
REASSIGN_QUESTION = (
    "Waarom geeft u casus {reference} aan {who}? Typ een korte reden (verplicht); de melder "
    "krijgt die te zien. " + NO_NAMES
)
REOPEN_QUESTION = (
    "Waarom heropent u casus {reference}? Typ een korte reden (verplicht); de melder krijgt "
    "die te zien. " + NO_NAMES
)
COORDINATORS_ONLY = "Dit kunnen alleen coördinatoren."
LIST_HEAD = "Casussen{filters}: {first}-{last} van {total} (nieuwste eerst). Tik er een aan."
LIST_EMPTY = "Er zijn geen casussen{filters}."
AGES = {"7": "jonger dan 7 dagen", "30": "jonger dan 30 dagen", "oud": "30 dagen of ouder"}
OPEN_FILTER = "open"  # every status but gesloten
LIST_CHOOSE = {"s": "Welke status?", "p": "Welke partij?", "l": "Hoe oud?"}
LIST_BUTTONS = {
    "s": "Status",
    "p": "Partij",
    "l": "Leeftijd",
    "prev": "« Vorige",
    "next": "Volgende »",
}
LIST_ALL = "Alle"
AGE_BUTTONS = {"7": "< 7 dagen", "30": "< 30 dagen", "oud": "30 dagen of ouder"}
BETROKKEN_QUESTION = (
    "Welke organisaties zijn volgens de screening ook betrokken bij casus {reference}? Tik om "
    "toe te voegen of weg te halen; daarna Klaar."
)
NOTHING_MINE = "U heeft nu geen open casussen of aanbiedingen."
MINE = "Uw open casussen (nieuwste eerst); tik er een aan voor de details:"
MORE = "… en nog {count} oudere."


EMPTY_NOTE = "Typ een korte toelichting, of kies Zonder toelichting."
EMPTY = {  # an empty text, by what it was asked for: only what the question offers
    "decline": "Typ een korte toelichting, of kies een van de redenen.",
    "close": "Typ een korte reden; zonder reden wordt de casus niet gesloten.",
    "reopen": "Typ een korte reden; die is verplicht.",
    "afw": "Typ een korte reden; die is verplicht.",
}


def when_empty(kind: str) -> str:
    """What an empty text gets, for the question it answers (`kind`: decline, close, reopen,
    afw.<partij>.<regisseur> or screen-<outcome>)."""
    return EMPTY.get(kind.partition(".")[0], EMPTY_NOTE)


def typed_answer(text: str) -> str:
    """What the message that asked a reason or note shows once it is answered by typing."""
    return f"Uw antwoord: {text if len(text) <= LONGEST_LINE else text[: LONGEST_LINE - 1] + '…'}"


def reason_problem(text: str, limit: int, empty: str = EMPTY_NOTE) -> str | None:
    """Why a typed reason or note cannot be kept, in Dutch, ending with what to do; or None.
    `empty`: what to say when nothing was typed."""
    if not text:
        return empty
    if len(text) > limit:
        return (
            f"Uw tekst is {len(text)} tekens lang; het maximum is {limit}. Typ een kortere "
            "toelichting."
        )
    detail = identifying_detail(text)
    if detail is not None:
        return (
            f"Uw tekst lijkt {detail} te bevatten. Laat namen, adressen, telefoonnummers en BSN "
            "weg, en typ de toelichting opnieuw."
        )
    return None


def decline_question(reference: str, offer_id: int) -> Card:
    subject = str(offer_id)
    return Card(
        f"Waarom wijst u casus {reference} af? Kies een reden, of typ een korte toelichting "
        "(zonder namen, adressen, telefoonnummers of BSN).",
        (
            *(Action(label, f"why-{code}", subject) for code, label in DECLINE_REASONS.items()),
            Action("Toch accepteren", "accept", subject),
        ),
    )


UNDELIVERABLE = (
    "Een bericht over {reference} kon niet worden bezorgd: {who} heeft regiebot "
    "geblokkeerd of het account bestaat niet meer. Neem zo nodig op een andere manier contact op."
)
UNDELIVERABLE_WITHOUT_CASUS = (
    "Een bericht kon niet worden bezorgd: {who} heeft regiebot geblokkeerd of het account "
    "bestaat niet meer. Neem zo nodig op een andere manier contact op."
)
ROLE_NAMES = {Role.MELDER: "melder", Role.REGISSEUR: "regisseur", Role.COORDINATOR: "coördinator"}


def undeliverable(reference: str | None, role: Role | None, name: str, chat_id: int) -> str:
    """To the coordinators: a message could not reach someone who blocked the bot. `reference`:
    the casus or group it was about."""
    if role is None:
        who = f"de ontvanger (Telegram-chat {chat_id})"
    else:
        who = " ".join(filter(None, (ROLE_NAMES[role], name)))
    if reference is None:
        return UNDELIVERABLE_WITHOUT_CASUS.format(who=who)
    return UNDELIVERABLE.format(reference=reference, who=who)
