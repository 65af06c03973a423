"""Event dates: relative and explicit dates read against the publication date, and dates that are not events."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from liveblog.dates import LEXICONS, date_lexicon, event_date, read_tsv

# Monday 28 October 2024, early afternoon.
MONDAY = datetime(2024, 10, 28, 13, 15)


@pytest.mark.parametrize(
    ("sentence", "lang", "expected"),
    [
        ("Le ministère a revendiqué ce dimanche la prise du village.", "fr", date(2024, 10, 27)),
        ("Le gouverneur a annoncé ce lundi l'évacuation.", "fr", date(2024, 10, 28)),
        ("Deux civils ont été tués mardi soir par un drone.", "fr", date(2024, 10, 22)),
        ("Hier, l'armée a repoussé six assauts.", "fr", date(2024, 10, 27)),
        ("Des drones ont visé la ville la nuit dernière.", "fr", date(2024, 10, 28)),
        ("Des missiles ont frappé dans la nuit de samedi à dimanche.", "fr", date(2024, 10, 27)),
        ("Jeudi 24 octobre, des soldats ont ouvert le feu.", "fr", date(2024, 10, 24)),
        ("Le sommet s'est tenu le mardi 6 août.", "fr", date(2024, 8, 6)),
        ("Le président est arrivé le 3 octobre 2024 à Kiev.", "fr", date(2024, 10, 3)),
        ("The ministry said on Thursday its troops had advanced.", "en", date(2024, 10, 24)),
        ("The army said late on Wednesday it had pulled out.", "en", date(2024, 10, 23)),
        ("Air defences shot down 20 drones overnight, the governor said.", "en", date(2024, 10, 28)),
        ("Three people were wounded yesterday, officials said.", "en", date(2024, 10, 27)),
        ("The attack took place on 12 October, police said.", "en", date(2024, 10, 12)),
        ("The attack took place on October 12, police said.", "en", date(2024, 10, 12)),
    ],
)
def test_stated_dates(sentence, lang, expected):
    assert event_date(sentence, lang, MONDAY) == (expected, "day")


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Tout navire sera visé à partir du jeudi 25 mai.", "fr"),  # future effective date
        ("Les combats durent depuis vendredi.", "fr"),  # start of a cumulative count
        ("Douze civils ont été tués depuis le 6 août.", "fr"),
        ("Il a annoncé des renforts dans le secteur où l'armée a lancé vendredi une offensive.", "fr"),
        ("Le sommet aura lieu lundi prochain.", "fr"),
        ("Pyongyang has sent 3,000 more troops since January.", "en"),  # month without day
        ("July was the deadliest month for civilians.", "en"),
        ("The talks will resume next Friday.", "en"),
        ("The summit is due on 15 November.", "en"),  # after publication: announced, not an event
    ],
)
def test_not_event_dates_fall_back_to_publication(sentence, lang):
    assert event_date(sentence, lang, MONDAY) == (date(2024, 10, 28), "inferred")


def test_no_publication_date():
    assert event_date("Le ministère a annoncé mardi la prise du village.", "fr", None) == (None, "inferred")
    # An explicit date with its year needs no publication date.
    assert event_date("The strike hit on 3 October 2024.", "en", None) == (date(2024, 10, 3), "day")


def test_year_wraps_in_january():
    assert event_date("L'attaque du 28 décembre a fait trois morts.", "fr", datetime(2025, 1, 2)) == (
        date(2024, 12, 28),
        "day",
    )


def test_unknown_language_infers():
    assert event_date("Вчора армія заявила", "uk", MONDAY) == (date(2024, 10, 28), "inferred")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_date_lexicon_rows_load(lang):
    kinds = {"weekday", "month", "relative", "night", "night_of", "night_to", "block", "block_after", "clause_block"}
    rows = read_tsv(LEXICONS / f"dates_{lang}.tsv")
    assert rows
    for row in rows:
        assert row[0] in kinds, row
        assert row[1], row
        if row[0] in ("weekday", "month", "relative"):
            int(row[2])
    lex = date_lexicon(lang)
    assert sorted(set(lex.weekdays.values())) == list(range(7))
    assert sorted(set(lex.months.values())) == list(range(1, 13))


def _date_like_texts(lang: str, n: int = 400) -> list[str]:
    """Random mixes of the lexicon's own words, numbers and punctuation, folded: where dates may hide."""
    import random

    from liveblog.dates import fold

    words = [row[1] for row in read_tsv(LEXICONS / f"dates_{lang}.tsv")]
    words += ["le", "the", "de", "à", "24", "3", "2024", "1er", "12th", "x", "ce", "l'", "(", ",", ".", "\n", "-"]
    rng = random.Random(7)
    seps = [" ", " ", "  ", "", ", ", "\n", "'", "-"]
    return [fold("".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 14)))) for _ in range(n)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_candidates_found_from_their_starts_are_those_of_a_full_scan(lang):
    # date_hits tries the candidate regex only where a date may start: it must find what finditer finds.
    from liveblog.dates import date_hits, find_from

    lex = date_lexicon(lang)
    for text in _date_like_texts(lang):
        expected = [(m.span(), m.groupdict()) for m in lex.candidates.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in find_from(lex.candidates, lex.starts, text)] == expected
        assert [m.span() for m in date_hits(text, lang).ranges] == [m.span() for m in lex.night_range.finditer(text)]


def test_sentences_pick_their_own_dates_from_the_update():
    from liveblog.dates import date_hits, date_in, fold

    text = fold("Lundi, l'armée a repris le village. Le 24 octobre, un drone a frappé. Hier, trois blessés.")
    hits = date_hits(text, "fr")
    first, second, third = (text.index(s) for s in ("lundi", "le 24", "hier"))
    assert date_in(hits, first, second, "fr", MONDAY) == date(2024, 10, 28)
    assert date_in(hits, second, third, "fr", MONDAY) == date(2024, 10, 24)
    assert date_in(hits, third, len(text), "fr", MONDAY) == date(2024, 10, 27)
    assert date_in(hits, second + 3, third, "fr", MONDAY) is None  # a date cut by the span is not its date
