"""What the intake says, and the words it understands typed, in Dutch: every channel shows these
texts alike (conversation/intake.py decides when)."""

from __future__ import annotations

WELCOME = (
    "Welkom bij regiebot. Ik stel u een paar vragen over de casus; daarna hoort u welke partij "
    "de casusregie het best kan nemen, en wat de volgende stap is. Noem geen namen, adressen, "
    "telefoonnummers of BSN. Met Vorige gaat u een vraag terug, met /stoppen stopt u."
)
RESUMED = (
    "U was nog bezig met een aanmelding; we gaan verder waar u was. "
    "Typ /opnieuw om opnieuw te beginnen."
)
RESTARTED = "We beginnen opnieuw; uw eerdere antwoorden zijn gewist."
STALE_BUTTON = "Deze knop is verlopen. Dit is de vraag waar u nu bent:"
FIRST_QUESTION = "Dit is de eerste vraag."
STOPPED = (
    "De aanmelding is gestopt en uw antwoorden zijn gewist. Typ /aanmelden om opnieuw te beginnen."
)
UNKNOWN_COMMAND = "Die opdracht ken ik niet. Gebruik /aanmelden, /opnieuw, /stoppen of vorige."
NOTHING_RUNNING = "Er loopt nu geen aanmelding. Typ /aanmelden om een casus aan te melden."
FINISHED_HINT = "Typ /aanmelden om een nieuwe casus aan te melden."
SUMMARY_UNKNOWN = (
    "Dat herken ik niet. Tik op Bevestigen als alles klopt, of op Wijzig bij wat u wilt "
    "aanpassen. U kunt ook 'bevestig' of 'wijzig leeftijd' typen."
)
NAME_DOUBT = (
    "Uw tekst lijkt een naam te bevatten ({names}). Namen horen hier niet. "
    "Pas de tekst aan, of bevestig dat er geen naam in staat."
)
SCOPE_QUESTION = (
    "Gaat de aanmelding over één persoon, of over een groep personen (bijvoorbeeld een groep "
    "jongeren)? Bij een groep vraag ik per persoon naar {asked}; de andere vragen beantwoordt u "
    "één keer voor de hele groep, en per persoon waar die afwijkt."
)
SCOPE_UNKNOWN = "Kies Eén persoon of Een groep."
BAND_REFUSED = (  # an age band with no age in it that the other answers allow
    "De leeftijdsgroep {band} past niet bij uw antwoorden. {why} Typ de leeftijd in jaren, of "
    "kies een leeftijdsgroep die past."
)
OVERVIEW_UNKNOWN = (
    "Dat herken ik niet. Kies Bevestigen als alles klopt, of een van de andere keuzes. U kunt "
    "ook 'bevestig', 'toevoegen', 'wijzig 2' of 'verwijder 2' typen."
)
PERSON_UNKNOWN = (
    "Dat herken ik niet. Kies Terug naar de groep als alles klopt, of wat u wilt wijzigen, "
    "bijvoorbeeld 'wijzig leeftijd'."
)
NO_SUCH_PERSON = "Er is geen persoon {number}; de groep telt de personen 1 tot en met {last}."
AT_OVERVIEW = (
    "Dit is het overzicht van de groep. Met Wijzig persoon past u een persoon aan; met Wijzig "
    "bij de groepsvragen een antwoord voor de hele groep."
)
GROUP_FULL = (
    "Een groepsaanmelding heeft ten hoogste {most} personen. Bevestig deze groep en meld de "
    "overige personen aan in een nieuwe groepsaanmelding."
)
LAST_PERSON = (
    "Persoon 1 is de enige in de groep en blijft staan. Wilt u de aanmelding niet doen? "
    "Kies dan Stoppen, of typ /stoppen."
)
PERSON_REMOVED = "Persoon {number} is verwijderd; de personen daarna schuiven één nummer op."
OWN_ANSWER_REPLACED = (
    "{persons} had een eigen antwoord op deze vraag; nu geldt ook daar het antwoord voor de "
    "hele groep."
)
PERSON_NOT_ADDED = "Persoon {number} is niet toegevoegd."
PERSON_EDIT_HINT = (
    "Wijzigt u hier een vraag die voor de hele groep geldt, dan geldt het nieuwe antwoord alleen "
    "voor deze persoon."
)
CONFIRM_WORDS = frozenset({"bevestig", "bevestigen", "ja", "klopt", "akkoord", "ok", "oke"})
BACK_WORDS = frozenset({"vorige", "terug"})
REVISE_WORDS = frozenset({"nee", "aanpassen", "wijzig", "wijzigen"})
DONE_WORDS = frozenset({"verder", "klaar", "door"})
ONE_WORDS = frozenset({"een persoon", "een", "1", "persoon", "enkel", "alleen"})
GROUP_WORDS = frozenset({"een groep", "groep", "2", "groepsaanmelding", "meer personen"})
ADD_WORDS = frozenset({"toevoegen", "persoon toevoegen", "nog een", "nog een persoon"})
