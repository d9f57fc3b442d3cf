"""What the Telegram channel itself says, in Dutch. The dialogues' own texts live with them in
conversation/; these are the channel's: access, help, the command menu and its failures."""

from __future__ import annotations

from bot.services.admission import Admission
from rules.vocabulary import Role

REFUSED = (
    "U heeft (nog) geen toegang tot regiebot. Vraag de coördinator van het Zorg- en "
    "Veiligheidshuis om een uitnodiging; met de link daarin krijgt u toegang."
)
REFUSED_SHORT = "U heeft (nog) geen toegang tot regiebot."  # a button's answer: at most 200 chars
NOT_FOR_YOUR_ROLE = "Deze functie is er niet voor uw rol. /help toont wat u kunt doen."
ADMISSION_TEXT = {
    Admission.ADMITTED: (
        "Welkom bij regiebot! U heeft nu toegang. Met /aanmelden meldt u een casus aan, met /wie "
        "vraagt u snel wie de regie neemt. /help toont alles."
    ),
    Admission.ALREADY_ADMITTED: "U heeft al toegang tot regiebot. /help toont wat u kunt doen.",
    Admission.UNKNOWN_CODE: (
        "Deze uitnodigingscode ken ik niet. Controleer de link, of vraag de coördinator om een "
        "nieuwe uitnodiging."
    ),
    Admission.USED_CODE: "Deze uitnodiging is al gebruikt. Vraag de coördinator om een nieuwe.",
    Admission.EXPIRED_CODE: "Deze uitnodiging is verlopen. Vraag de coördinator om een nieuwe.",
    Admission.TOO_MANY_WRONG_CODES: (
        "U heeft een paar keer achter elkaar een uitnodigingscode gestuurd die niet werkt. Wacht "
        "tien minuten en probeer het dan opnieuw, of vraag de coördinator om een nieuwe "
        "uitnodiging."
    ),
}
WELCOME_AS = {  # the welcome of those admitted to do more than aanmelden
    Role.REGISSEUR: (
        "Welkom bij regiebot! U heeft nu toegang als regisseur{partij}. Past een casus bij u, "
        "dan krijgt u die als bericht, met de knoppen Accepteren en Afwijzen. Met /mijn ziet u "
        "uw open casussen en aanbiedingen, met /profiel uw expertise, capaciteit en "
        "afwezigheid. /help toont alles."
    ),
    Role.COORDINATOR: (
        "Welkom bij regiebot! U heeft nu toegang als coördinator. Met /uitnodigen geeft u "
        "anderen toegang, met /mensen ziet en wijzigt u wie toegang heeft, met /casussen ziet u "
        "alle casussen en met /overzicht de cijfers. /help toont alles."
    ),
}


def welcome(role: Role, partij_name: str | None = None) -> str:
    """What someone just admitted reads: what their role does here, and where to start."""
    if role not in WELCOME_AS:
        return ADMISSION_TEXT[Admission.ADMITTED]
    return WELCOME_AS[role].format(partij=f" van {partij_name}" if partij_name else "")


HELP = (
    "Wat u kunt doen:\n"
    "/aanmelden: een casus aanmelden, stap voor stap\n"
    "/wie: snel vragen wie de casusregie neemt, bijvoorbeeld /wie ots 15 lvb\n"
    "/status: uw aanmeldingen, of /status ZVH-2026-0042 voor één casus\n"
    "/stoppen: de lopende aanmelding stoppen\n"
    "/opnieuw: de lopende aanmelding opnieuw beginnen\n"
    "U kunt ook in elk gesprek @-vermelden: typ de naam van deze bot en uw vraag."
)
PROFILE_HELP = "/profiel: uw expertise, capaciteit en afwezigheid bekijken en wijzigen"
HELP_REGISSEUR = (
    "\n\nAls regisseur:\n"
    "/mijn: uw open casussen en aanbiedingen, met per casus wat u kunt doen\n"
    f"{PROFILE_HELP}\n"
    "Een nieuw aanbod krijgt u als bericht, met de knoppen Accepteren en Afwijzen."
)
GROUP_HELP = (
    "/groep: een groepsaanmelding in één overzicht, met /groep ZVH-2026-G007 of het casusnummer "
    "van een van de personen; daar legt u ook de groepsbevinding vast"
)
HELP_ZVH = f"\n\nAls regisseur van het Zorg- en Veiligheidshuis:\n{GROUP_HELP}"
WIE_HINT = (
    "Typ na /wie wat u weet, bijvoorbeeld: /wie ots 15 lvb of /wie vrijwillig 30 huiselijk geweld"
)
WIE_TITLE = "Wie neemt de casusregie?"
ACCESS_BUTTON = "Toegang aanvragen"
PRIVATE_ONLY = "Een casus aanmelden kan alleen in een privégesprek met mij."
STALE_BUTTON = "Deze knop is verlopen."
SOMETHING_WENT_WRONG = (
    "Er ging iets mis bij het verwerken van uw bericht. Uw antwoorden zijn bewaard: probeer het "
    "zo nog eens, of typ /aanmelden om verder te gaan waar u was."
)
NO_CASUSSEN = "U heeft nog geen casussen aangemeld. Met /aanmelden meldt u er een aan."
CASUS_NOT_FOUND = "Die casus vind ik niet bij uw aanmeldingen. /status toont ze allemaal."
YOUR_CASUSSEN = "Uw aanmeldingen:"
STATUS_LINE = "• {reference} ({reported_on}): {status}{held}; advies {advised}{chosen}"
STATUS_HELD = "; bij {holder} sinds {since}"
STATUS_CHOSEN = "; in onderling overleg bij {partij}"
DETAIL_HEAD = "Casus {reference}\nAangemeld: {reported_on}\nStatus: {status}"  # /status REF
DETAIL_HELD = "Bij: {holder}, sinds {since}"
DETAIL_FOUND = "Ook betrokken (uit de screening): {found}"
DETAIL_ADVICE = "Advies: casusregie bij {partij}"
DETAIL_NEXT = "Volgende stap: {step}"
ANSWERED_MARK = "✓ "  # the first line of a question's message once answered
ANSWERED = ANSWERED_MARK + "{answer}"
OVERVIEW_CAPTION = "Cijfers over de aanmeldingen van {start} tot en met {end}."
OVERVIEW_CSV_CAPTION = "Dezelfde cijfers als tabel (CSV), zonder namen of vrije tekst."
MENU = (  # Telegram's command menu, in this order
    ("aanmelden", "Een casus aanmelden"),
    ("wie", "Wie neemt de casusregie? Bijvoorbeeld /wie ots 15 lvb"),
    ("status", "Uw aanmeldingen"),
    ("mijn", "Uw open casussen (regisseurs)"),
    ("profiel", "Uw expertise, capaciteit en afwezigheid (regisseurs)"),
    ("groep", "Een groepsaanmelding bekijken (ZVH-regisseurs, coördinatoren)"),
    ("casussen", "Alle casussen, met filters (coördinatoren)"),
    ("uitnodigen", "Iemand uitnodigen voor regiebot (coördinatoren)"),
    ("mensen", "Wie toegang heeft, en wijzigen of deactiveren (coördinatoren)"),
    ("overzicht", "Cijfers en grafieken (coördinatoren)"),
    ("stoppen", "De lopende aanmelding stoppen"),
    ("opnieuw", "De lopende aanmelding opnieuw beginnen"),
    ("help", "Wat kan regiebot?"),
)


HELP_COORDINATOR = (
    "\n\nAls coördinator:\n"
    "/casussen: alle casussen, met filters; per casus de geschiedenis, afwijken, sluiten of "
    "heropenen\n"
    "/uitnodigen: iemand toegang geven, met rol, partij en expertise\n"
    "/mensen: wie toegang heeft; wijzigen, afwezig melden of deactiveren\n"
    "/overzicht: cijfers van de afgelopen twaalf maanden, als grafiek en als tabel (CSV)\n"
    f"{GROUP_HELP}"
)


def help_for(role: Role | None, sees_groups: bool = False) -> str:
    """What /help shows: the regisseur's or the coördinator's work too, for those who do it;
    `sees_groups`: a ZVH regisseur's /groep."""
    if role is Role.COORDINATOR:  # never offered a casus: matching asks regisseurs only
        return HELP + HELP_COORDINATOR
    if role is Role.REGISSEUR:
        return HELP + HELP_REGISSEUR + (HELP_ZVH if sees_groups else "")
    return HELP
