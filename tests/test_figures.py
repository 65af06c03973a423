"""Figures: the numbers a claim states, as structured fields, in French and English (sentences written here)."""
import pytest

from liveblog.dates import LEXICONS, read_tsv
from liveblog.figures import extract_figures, figure_lexicon


@pytest.mark.parametrize(
    ("lang", "sentence", "expected"),
    [
        ("fr", "Trois personnes ont été tuées et onze blessées par une frappe sur Soumy.", {"killed": 3, "wounded": 11}),
        ("fr", "La frappe a fait 7 morts et 24 blessés, dont quatre enfants.", {"killed": 7, "wounded": 24}),
        ("fr", "La défense aérienne a abattu 31 des 48 drones lancés dans la nuit.",
         {"drones_shot_down": 31, "drones_launched": 48}),
        ("fr", "Au total, 12 missiles et 60 drones ont été tirés, dont 50 abattus.",
         {"missiles_launched": 12, "drones_launched": 60, "drones_shot_down": 50}),
        ("fr", "Plus de 600 000 soldats ont été tués ou blessés depuis 2022.", {"casualties": 600000}),
        ("fr", "L’armée affirme contrôler 1 300 km² et 80 localités.", {"area_km2": 1300, "settlements": 80}),
        ("fr", "Le village se trouve à 6 km au sud-ouest de Pokrovsk.", {"distance_km": 6}),
        ("fr", "Les combats ont lieu à une quinzaine de kilomètres au nord de la ville.", {"distance_km": 15}),
        ("fr", "Quelque 2 500 habitants ont été évacués.", {"evacuated": 2500}),
        ("en", "Russia launched 90 drones and four missiles overnight, the air force said.",
         {"drones_launched": 90, "missiles_launched": 4}),
        ("en", "A strike killed at least 5 people and injured 19 others.", {"killed": 5, "wounded": 19}),
        ("en", "Air defences downed 22 of 30 drones.", {"drones_shot_down": 22, "drones_launched": 30}),
        ("en", "Ukraine says it holds 1,100 sq km and 70 settlements.", {"area_km2": 1100, "settlements": 70}),
        ("en", "The town lies about 12 km north-east of Kramatorsk.", {"distance_km": 12}),
        ("en", "Its units repelled 18 Russian assaults near Toretsk.", {"assaults": 18}),
        ("en", "Ukrainian forces captured 40 Russian soldiers.", {"captured": 40}),
    ],
)
def test_figures(lang, sentence, expected):
    assert extract_figures(sentence, lang) == expected


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "Un drone a frappé un immeuble à Kharkiv le 24 octobre 2024 à 19h41."),  # articles, dates, times
        ("fr", "Une femme de 64 ans a été blessée."),  # an age is not a toll (the woman is: no number)
        ("fr", "Washington a annoncé une aide de 400 millions de dollars."),
        ("fr", "Des dizaines de drones ont été abattus."),  # vague plural: no figure
        ("en", "A 46-year-old man was killed in the village."),
        ("en", "Dozens of drones were shot down over the region."),
        ("en", "Fighting has gone on for 224 days since 2023."),
        ("en", "The troops advanced 5 km."),  # a distance with no anchor is not a place's distance
    ],
)
def test_no_figure(lang, sentence):
    assert extract_figures(sentence, lang) == {}


def test_one_is_a_figure_only_with_its_outcome():
    assert extract_figures("Une personne a été tuée à Kherson.", "fr") == {"killed": 1}
    assert extract_figures("One drone was shot down over Kursk.", "en") == {"drones_shot_down": 1}
    assert extract_figures("Selon la même source, l’un des drones a touché le toit.", "fr") == {}


def test_one_with_no_outcome_word_still_reads_units_and_multipliers():
    # A sentence whose only numbers are "un"/"one" and with no outcome word takes a short path: a unit or a
    # multiplier after the "one" must still count.
    assert extract_figures("Le village se trouve à un km au nord de Pokrovsk.", "fr") == {"distance_km": 1}
    assert extract_figures("Russia has one million drones.", "en") == {"drones_launched": 1000000}
    assert extract_figures("Un drone a survolé une usine.", "fr") == {}


def test_unknown_language_gives_nothing():
    assert extract_figures("Загинули двоє людей.", "uk") == {}


def test_every_figures_row_loads():
    rows = read_tsv(LEXICONS / "figures.tsv")
    kinds = {"number", "multiplier", "object", "outcome", "field", "unit", "direction", "anchor", "subset", "total"}
    objects, outcomes = set(), set()
    for row in rows:
        assert len(row) == 4 and row[0] in kinds and row[1] in ("fr", "en", "*") and row[2], row
        if row[0] in ("number", "multiplier"):
            assert int(row[3]) > 0, row
        if row[0] == "object":
            objects.add(row[3])
        if row[0] == "outcome":
            outcomes.add(row[3])
    for row in rows:
        if row[0] == "field":
            for pair in row[2].split("|"):
                obj, out = pair.split(":")
                assert obj in objects | {"-"} and out in outcomes | {"-"}, row
    for lang in ("fr", "en"):
        assert figure_lexicon(lang) is not None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numeral_pattern_reads_digits_as_its_plain_form_would(lang):
    # The numeral regex opens with a digit (for speed) and checks the character before it with a look-behind:
    # it must match exactly where the plain (?<![\w.,]) form does.
    import random
    import re

    thousands = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)" + (r"|\d{1,3}(?:,\d{3})+(?!\d)" if lang == "en" else "")
    plain = re.compile(rf"(?<![\w.,])(?:{thousands}|\d+(?:[.,]\d+)?)(?![\w-]|[:h]\d)")
    numeral = figure_lexicon(lang).numeral
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice("0123456789 \u00a0,.:h-a") for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in numeral.finditer(text)] == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_number_words_are_found_as_whole_words_only(lang):
    from liveblog.figures import _numbers

    lex = figure_lexicon(lang)
    text = "deux-trois, undeux deux_ x2 deux. Two twofold two." if lang == "fr" else "two-three, twofold two_ two. Deux"
    text = text.lower()
    words = [surface for _, _, surface in _numbers(lex, text)]
    assert words == (["deux", "trois", "deux"] if lang == "fr" else ["two", "three", "two"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_number_scan_finds_what_separate_scans_find(lang):
    # _numbers finds numerals and number words in one regex pass (for speed): it must give what the numeral
    # regex and a plain token-by-token reading give (a number word starts a \w+ token; the longest surface
    # starting there that is not followed by a letter or digit wins; none inside another).
    import random
    import re

    from liveblog.figures import _numbers

    lex = figure_lexicon(lang)

    def plain(text):
        found = [(m.start(), m.end(), m.group()) for m in lex.numeral.finditer(text)]
        for t in re.finditer(r"\w+", text):
            for surface in sorted((s for s in lex.numbers if s.split()[0] == t.group()), key=len, reverse=True):
                end = t.start() + len(surface)
                if text.startswith(surface, t.start()) and (end == len(text) or not text[end].isalnum()):
                    if all(e <= t.start() for s, e, w in found if not w[0].isdigit()):
                        found.append((t.start(), end, surface))
                    break
        return sorted(found)

    pieces = [*lex.numbers, "1", "25", "1 250", "3,5", "x", "_", "é", " ", " ", ",", ".", "'", "-", "(", "\n"]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert _numbers(lex, text) == plain(text), text


def test_figures_of_a_folded_cut_are_those_of_the_sentence():
    sentence = "Deux personnes ont été tuées et 12 blessées."
    assert extract_figures(sentence, "fr", sentence.lower()) == extract_figures(sentence, "fr") == {"killed": 2,
                                                                                                  "wounded": 12}
