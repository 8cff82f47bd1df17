"""The screening of text a company can see (marketplace.privacy.screening): health words,
the person's identity and CPR numbers.

The sentences are the kind a consultant writes in a profile, a pitch or a placement. Health
sentences must be refused however the word is inflected or compounded; sentences about what
the person can and cannot do at work must pass, also when they hold a word that looks like a
health word ("har kræfter til", "sukkerroer", "medicinalindustrien", "fangst").
"""

from __future__ import annotations

from dataclasses import fields
from itertools import pairwise

import pytest

from marketplace.errors import DomainError
from marketplace.privacy import disclosure
from marketplace.privacy import screening as privacy
from marketplace.privacy.screening import (
    NO_CPR,
    NO_HEALTH,
    NO_IDENTITY,
    Person,
    Problem,
    problem_in,
)

HEALTH_SENTENCES = [
    "Har PTSD og depression",
    "Har haft en depression",
    "Er depressionsramt og har svært ved at komme ud af sengen",
    "Har depressioner i perioder",
    "Har været ramt af depressionen siden 2019",
    "Tidligere alkoholmisbrug, har været ædru i to år",
    "Stofmisbruger, men er clean nu",
    "Hashmisbrug for tre år siden",
    "Har en PTSD-diagnose fra krigen",
    "Tager medicin mod angst",
    "Får Cipralex hver morgen",
    "Har ADHD og tager Ritalin",
    "Har diabetes type 2",
    "Er sukkersyg og skal spise regelmæssigt",
    "Har haft brystkræft og er færdigbehandlet",
    "Er i kemobehandling",
    "Sygemeldt med stress i et halvt år",
    "Har været indlagt på psykiatrisk afdeling",
    "Går til psykolog hver uge",
    "Er i behandling for angst",
    "Har slidgigt i knæene",
    "Har epilepsi, men er velbehandlet",
    "Har haft en blodprop i hjertet",
    "Har diskusprolaps i lænden",
    "Har kroniske smerter i ryggen",
    "Er autist og har brug for struktur",
    "Har Aspergers syndrom",
    "Har skizofreni men er stabil på medicin",
    "Har en bipolar lidelse",
    "Har en hjerneskade efter en trafikulykke",
    "Er ordblind",
    "Går til fysioterapeut to gange om ugen",
    "Er i genoptræning efter en operation",
    "Har været opereret i skulderen",
    "Har et alkoholproblem",
    "Er tidligere narkoman",
    "Får metadon",
    "Har OCD og vasker hænder meget",
    "Har en spiseforstyrrelse",
    "Får migræne af skarpt lys",
    "Har astma og kan ikke tåle støv",
    "Er blevet udredt for autisme",
    "Har en lægeerklæring om at hun max kan arbejde 10 timer",
    "Har fibromyalgi",
    "Får angstanfald i store grupper",
    "Er diagnosticeret med ADD",
    "Har været langtidssygemeldt",
    "Har været på afvænning",
    "Har en personlighedsforstyrrelse",
    "Er stresssygemeldt fra sit tidligere job",
    "Har sukkersyge og skal måle blodsukker i arbejdstiden",
    "Har lungekræft i bedring",
    "Er kræftramt",
    "Har tidligere haft kræft",
    "Har gigt i hænderne",
    "Har været hos lægen for sin ryg",
    "Har fået piskesmæld",
    "Har haft en hjerneblødning",
    "Har leddegigt og skal undgå kulde",
    "Tager smertestillende",
    "Er gravid i 5. måned",
    "Har KOL og bliver hurtigt forpustet",
    "Har sklerose",
    "Er psykisk syg",
    "Har psykiske udfordringer",
    "Var indlagt i tre måneder sidste år",
    "Har haft selvmordstanker",
    "Er hørehæmmet og bruger høreapparat",
    "Er svagsynet",
    "Er i antabusbehandling",
    "Er udbrændt efter mange år i hjemmeplejen",
    "Har ondt i ryggen ved lange vagter",
    "Har en dårlig ryg",
    "Er spilleafhængig",
    "Has PTSD and depression",
    "Suffers from anxiety and takes medication",
    "Was admitted to a psychiatric ward last year",
    "Recovering alcoholic, sober for two years",
    "History of drug abuse",
    "Diagnosed with autism",
    "On sick leave for stress",
    "Has type 1 diabetes",
    "Had cancer treatment in 2022",
    "Sees a therapist every week",
    "Has epilepsy",
    "Has chronic back pain",
    "Has bipolar disorder",
    "Was hospitalised after a breakdown",
    "Has a heart condition",
]

WORK_SENTENCES = [
    "Kan ikke løfte over 10 kg",
    "Har brug for korte pauser",
    "Kan ikke stå op mere end en time ad gangen",
    "Har kørekort",
    "Har kørekort til bil og trailer",
    "Arbejder bedst i rolige omgivelser",
    "Kan ikke arbejde før kl. 9",
    "Har svært ved at læse lange tekster",
    "Skal have mulighed for at sidde ned",
    "Kan arbejde 3 timer om dagen til at starte med",
    "Har kræfter til 4 timer ad gangen",
    "Har ikke kræfterne til fuld tid endnu",
    "Kan ikke bære tunge kasser",
    "Har erfaring med sukkerroer fra landbruget",
    "Har arbejdet i medicinalindustrien som pakker",
    "Vil ikke servere alkohol",
    "Har brug for en fast kontaktperson på arbejdspladsen",
    "Kan ikke arbejde med dyr",
    "Er afhængig af offentlig transport",
    "Har arbejdet som fisker med fangst af torsk",
    "Kan skrælle og pille kartofler",
    "Har gjort rent på et lægehus i to år",
    "Vil gerne arbejde på sygehuset i kantinen",
    "Trives med faste rutiner og klare beskeder",
    "Har brug for at vide dagens opgaver på forhånd",
    "Kan ikke arbejde i højder",
    "Kan ikke gå på trapper",
    "Taler arabisk og lidt dansk",
    "Har behandlet kunder i butik i fem år",
    "Har arbejdet med overfladebehandling af metal",
    "Bliver let stresset ved tidspres og har brug for klare opgaver",
    "Kan ikke tåle meget støj",
    "Har bekræftet at hun kan starte i januar",
    "Arbejder selvstændigt og uafhængigt",
    "Kan have svært ved at koncentrere sig i længere tid",
    "Skal kunne holde en pause hver anden time",
    "Kan arbejde max 4 timer om dagen",
    "Kan ikke arbejde med armene over hovedet",
    "Har brug for et arbejde uden nattevagter",
    "Kører i kørestol og har brug for niveaufri adgang",
    "Har arbejdet på lager med truck",
    "Har en traktor med mange hestekræfter",
    "Kan fx fylde hylder op og tørre borde af",
    "Er mødestabil og glad for at lære nyt",
    "Vil gerne have mere ansvar med tiden",
    "Has a driving licence",
    "Cannot lift more than 10 kg",
    "Needs short breaks every hour",
    "Works best in a quiet place",
    "Can start at 9 at the earliest",
    "Kan servere alkoholiske drikke i baren",
    "Har taget kursus i førstehjælp",
    "Har arbejdet som handicaphjælper i tre år",
    "Har arbejdet som sygehjælper på plejehjem",
    "Kan ikke tåle kulde og træk i længere tid",
    "Kan læse en arbejdsseddel med billeder",
]

PERSON = Person(
    full_name="Anna Østergaard",
    phone="+45 20 30 40 50",
    email="ao1977@example.dk",
    case_reference="SAG-2024-0117",
)


def test_there_are_enough_real_sentences_both_ways():
    assert len(set(HEALTH_SENTENCES)) >= 60
    assert len(set(WORK_SENTENCES)) >= 40


@pytest.mark.parametrize("sentence", HEALTH_SENTENCES)
def test_a_health_sentence_is_refused(sentence):
    assert problem_in(sentence) == Problem.HEALTH, privacy.words_of(sentence)
    assert problem_in(sentence.upper()) == Problem.HEALTH  # folded: case does not matter


@pytest.mark.parametrize("sentence", WORK_SENTENCES)
def test_a_work_function_sentence_passes(sentence):
    found = privacy.health_words_in(sentence)
    assert found == [], found
    assert problem_in(sentence, person=PERSON) is None


@pytest.mark.parametrize(
    ("word", "health"),
    [
        # Inflected and compounded forms of a stem are found...
        ("depression", True),
        ("depressionen", True),
        ("depressioner", True),
        ("depressionsramt", True),
        ("fødselsdepression", True),
        ("alkoholmisbrug", True),
        ("stofmisbruger", True),
        ("hashmisbrug", True),
        ("PTSD-diagnose", True),
        ("ADHD-medicin", True),
        ("brystkræft", True),
        ("kræftramt", True),
        ("kræften", True),
        ("leddegigt", True),
        ("sukkersyge", True),
        ("sovemedicin", True),
        ("Diabétes", True),  # accents are folded away
        # ...never a bare substring of another word.
        ("kræfter", False),
        ("kræfterne", False),
        ("hestekræfter", False),
        ("bekræftet", False),
        ("afkræfte", False),
        ("sukkerroer", False),
        ("sukker", False),
        ("alkohol", False),
        ("alkoholiske", False),
        ("medicinalindustrien", False),
        ("medicinsk", False),
        ("fangst", False),
        ("langstrakt", False),
        ("uafhængigt", False),
        ("afhængig", False),
        ("nautisk", False),
        ("eksempel", False),
        ("psykologi", False),
        ("kemotekniker", False),
        ("sygehus", False),
        ("sygehjælper", False),
        ("lægehus", False),
        ("handicaphjælper", False),
        ("stress", False),
        ("behandling", False),
        ("kooperation", False),
    ],
)
def test_stems_and_compounds_not_substrings(word, health):
    assert bool(privacy.health_words_in(word)) is health


def test_a_phrase_is_found_across_words_only_in_its_order():
    assert sorted(privacy.health_words_in("Han er i behandling hos egen læge")) == [
        "egen læge",
        "i behandling",
    ]
    assert privacy.health_words_in("Behandling af kunder i butikken") == []
    assert privacy.health_words_in("Har en dårlig ryg") == ["dårlig ryg"]
    assert privacy.health_words_in("Ryggen er ikke dårlig") == []


def test_the_terms_file_is_read_once_and_every_entry_has_a_word():
    assert privacy.health_terms() is privacy.health_terms()
    entries = [
        line.split("#", 1)[0].strip()
        for line in privacy.HEALTH_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    ]
    entries = [entry for entry in entries if entry]
    assert len(entries) > 300
    for entry in entries:
        for part in entry.lstrip("!").split():
            assert part.strip("*"), entry
            assert privacy.fold(part) == part, f"{entry}: write entries folded (lower case)"
    lines = privacy.HEALTH_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    headings = [line for before, line in pairwise(lines) if not before and line]
    assert len(headings) >= 6
    for heading in headings:
        assert "Where from:" in heading, f"say where this group comes from: {heading}"


def test_folding_keeps_danish_letters_and_drops_accents():
    assert privacy.fold("ÆBLE Øl Å Émile Zoë ß") == "æble øl å emile zoe ss"
    assert privacy.words_of("PTSD-diagnose, 2 gange") == ["ptsd", "diagnose", "gange"]


# ---------------------------------------------------------------------------------------------
# Identity (before consent) and CPR numbers (always)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Anna er god til kunder", Problem.NAME),
        ("ANNA er god til kunder", Problem.NAME),
        ("Annas styrke er overblik", Problem.NAME),  # the genitive
        ("Familien Østergård bor tæt på", Problem.NAME),  # aa and å are one letter
        ("Ring 20304050", Problem.PHONE),
        ("Ring 20 30 40 50", Problem.PHONE),
        ("Ring 2030 4050", Problem.PHONE),
        ("Ring 20-30-40-50", Problem.PHONE),
        ("Ring +45 20 30 40 50", Problem.PHONE),
        ("Ring 0045 20304050", Problem.PHONE),
        ("Ring +4520304050", Problem.PHONE),
        ("Ring til hendes mor på 86 12 34 56", Problem.PHONE),  # any Danish number
        ("Ring 2030 40 50 efter kl. 16", Problem.PHONE),
        ("Skriv til ao1977@example.dk", Problem.EMAIL),
        ("Skriv til anna@example.dk", Problem.NAME),  # the name is found first
        ("Skriv til hjaelper@kommune.example", Problem.EMAIL),  # any address
        ("Se sag SAG-2024-0117", Problem.CASE_REFERENCE),
        ("se sag sag-2024-0117 for mere", Problem.CASE_REFERENCE),
        ("CPR 010203-1234", Problem.CPR),
        ("cpr 0102031234 og Anna", Problem.CPR),  # CPR is named first: its own message
    ],
)
def test_identity_before_consent_is_refused(text, problem):
    assert problem_in(text, person=PERSON) == problem


@pytest.mark.parametrize(
    "text",
    [
        "Opvasker på Skjern Kro, 2015-2017",
        "Danish Crown 2010-2015, Netto 2016-2019",
        "Start 23-05-2026 eller 2026-06-01",
        "Bor i 6900 Skjern, kan arbejde 37 timer",
        "Kan arbejde kl. 8-16 og 9.00-15.30",
        "Løn 145,50 kr. i timen, 12.500 kr. om måneden",
        "Sagsbehandling og kundeservice",  # not the reference SAG-2024-0117
        "Annette og Annalise er kolleger",  # not the name Anna
        "Hjalp til i SAG-2024-01170",  # a longer reference is another one
    ],
)
def test_numbers_and_words_that_are_not_identity_pass(text):
    assert problem_in(text, person=PERSON) is None


def test_identity_is_only_screened_when_the_company_reads_before_consent():
    assert problem_in("Anna ringer på 20 30 40 50", person=None) is None
    assert problem_in("CPR 010203-1234", person=None) == Problem.CPR
    assert problem_in("Har PTSD", health=False) is None
    assert problem_in("CPR 010203-1234", health=False) == Problem.CPR


def test_the_candidates_own_foreign_phone_is_found_too():
    person = Person(full_name="Jan Nowak", phone="+48 601 234 567")
    assert problem_in("Ring 601234567", person=person) == Problem.PHONE
    assert problem_in("Ring 601 234 567", person=person) == Problem.PHONE


def test_screen_raises_beside_the_field_with_what_to_write_instead():
    with pytest.raises(DomainError) as refused:
        privacy.screen("other_limitations", "Har PTSD og depression")
    assert refused.value.field == "other_limitations"
    assert refused.value.message == NO_HEALTH
    with pytest.raises(DomainError) as refused:
        privacy.screen("tasks_can_do", ["Fylde hylder", "Ring til Anna"], person=PERSON)
    assert (refused.value.field, refused.value.message) == ("tasks_can_do", NO_IDENTITY)
    with pytest.raises(DomainError) as refused:
        privacy.screen("consultant_note", "cpr 010203-1234", health=False)
    assert (refused.value.field, refused.value.message) == ("consultant_note", NO_CPR)
    privacy.screen("job_goal", ["Lager", "Kan ikke løfte over 10 kg"], person=PERSON)


def test_the_profile_texts_are_every_free_text_of_the_company_view():
    """A text field added to CompanyView must be screened: add it to PROFILE_TEXTS."""
    coded = {"pseudonym", "municipality", "danish_level"}  # made by us or chosen from a list
    texts = {
        f.name
        for f in fields(disclosure.CompanyView)
        if f.type in ("str", "tuple[str, ...]") and f.name not in coded
    }
    assert texts == set(privacy.PROFILE_TEXTS)
