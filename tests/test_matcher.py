"""geo.matcher on the fixture gazetteer: boundaries, elision, longest match, cues, metonymy flags."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import matcher
from geo.gazetteer import read_gazetteer
from geo.matcher import find_mentions, fold_with_offsets, load_cues, normalise

FIXTURE = Path(__file__).parent / "fixtures" / "gazetteer"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz():
    return read_gazetteer(FIXTURE)


def spans(text, gaz, **flags):
    flags.setdefault("person", False)
    return [m.surface for m in find_mentions(text, gaz) if all(getattr(m, k) == v for k, v in flags.items())]


def test_every_cue_file_loads():
    cues = load_cues()
    assert "kremlin" in cues.stop and "moscou" in cues.seats and "selon" in cues.common
    assert cues.directions["sud est"] == 135 and cues.numerals["une quinzaine de"] == 15
    assert cues.meto_before["selon"] == "actor" and cues.meto_before["frappe sur"] == "location"
    for path in matcher.CUES_DIR.iterdir():
        if path.suffix in (".tsv", ".txt"):
            assert matcher._rows(path.name), path.name


def test_fold_offsets_map_back_to_the_original():
    text = "d’Izmaïlivka et Œuvre"
    folded, offsets = fold_with_offsets(text)
    assert folded.startswith("dizmailivka et oeuvre")
    i = folded.index("izmailivka")
    assert text[offsets[i]] == "I"
    assert len(normalise(text)) == len(text)


def test_french_elision_and_apostrophes(gaz):
    text = "La prise d'Izmaïlivka et d’Odessa, puis l’oblast de Kherson."
    got = find_mentions(text, gaz)
    assert [m.surface for m in got] == ["Izmaïlivka", "Odessa", "oblast de Kherson"]
    assert text[got[0].start : got[0].end] == "Izmaïlivka"


def test_english_possessive_and_glued_headline(gaz):
    assert spans("Kharkiv's mayor and Kharkiv’s district", gaz) == ["Kharkiv", "Kharkiv"]
    # Syndicated bodies glue a headline to the next sentence: the case change is a boundary.
    got = find_mentions("Une frappe vise DniproLes services de Kiev disent", gaz)
    assert [m.surface for m in got] == ["Dnipro", "Kiev"]


def test_inside_a_word_or_lower_case_is_not_a_name(gaz):
    assert spans("Les kievains et les dniproviens du pokrovskyi", gaz) == []
    assert spans("Kurakhovets", gaz) == []


def test_longest_match_wins_and_hyphen_variants(gaz):
    assert spans("Niu-York, Niu York et Chasiv-Yar", gaz) == ["Niu-York", "Niu York", "Chasiv-Yar"]
    assert spans("the Zaporizhzhia nuclear power plant", gaz) == ["Zaporizhzhia nuclear power plant"]


def test_stop_names_and_person_names_are_skipped(gaz):
    assert spans("Mars avait été marqué. La compagnie Pobeda vole.", gaz) == []
    assert spans("said drone operator Oleksandr Lyman, near Lyman.", gaz, relative=None) == ["Lyman"]


def test_region_phrases_cover_the_whole_expression(gaz):
    got = find_mentions("dans la région russe de Koursk et la région de Donetsk", gaz)
    assert [(m.surface, m.kind_cue, m.country_cue) for m in got] == [
        ("région russe de Koursk", "region", "RU"),
        ("région de Donetsk", "region", None),
    ]
    got = find_mentions("fighting in the Kursk region", gaz)
    assert [(m.surface, m.kind_cue) for m in got] == [("Kursk region", "region")]


def test_plural_region_word_reaches_each_coordinated_name(gaz):
    got = find_mentions("in the Kursk and Belgorod regions. Kharkiv is calm.", gaz)
    assert [(m.surface, m.kind_cue) for m in got] == [("Kursk", "region"), ("Belgorod", "region"), ("Kharkiv", None)]


def test_kind_cues(gaz):
    text = "la centrale de Zaporijjia et la ville de Kharkiv"
    got = {m.surface: (m.kind_cue, m.codes) for m in find_mentions(text, gaz)}
    assert got["centrale de Zaporijjia"][0] == "feature" and "PS" in got["centrale de Zaporijjia"][1]
    assert got["Kharkiv"] == ("settlement", ())


def test_relative_location_span_runs_from_the_number_to_the_anchor(gaz):
    far = "une quinzaine de kilomètres au sud-est de Donetsk"
    text = f"la prise d'Izmaïlivka, à 8 km au nord de Kourakhové, et {far}"
    rel = [m for m in find_mentions(text, gaz) if m.relative]
    assert [m.surface for m in rel] == ["8 km au nord de Kourakhové", far]
    assert (rel[0].relative.km, rel[0].relative.bearing) == (8.0, 0.0)
    assert (rel[1].relative.km, rel[1].relative.bearing) == (15.0, 135.0)
    assert text[rel[0].relative.anchor_start :].startswith("Kourakhové")


def test_metonymy_flags(gaz):
    def flags(text):
        return [(m.surface, m.metonymic) for m in find_mentions(text, gaz) if not m.relative]

    assert flags("Moscou revendique la prise. Une frappe sur Moscou.") == [("Moscou", True), ("Moscou", False)]
    assert flags("Kiev a démenti, selon Washington.") == [("Kiev", True), ("Washington", True)]
    assert flags("pressure on Moscow; explosions heard in Kyiv") == [("Moscow", True), ("Kyiv", False)]
    assert flags("a deal agreed by Washington and Kyiv") == [("Washington", True), ("Kyiv", True)]
    assert flags("Moscow’s claim was denied") == [("Moscow", True)]
    assert flags("Le régime de Kiev accuse. Retransmise depuis Kiev.") == [("Kiev", True), ("Kiev", False)]
    # Only seats of power are read as actors.
    assert flags("Pokrovsk a été bombardée") == [("Pokrovsk", False)]


def test_person_names_by_first_name_role_and_apposition(gaz):
    # A first name before the surname, even at the start of a line (a glued headline).
    assert spans("Shelling reported\nVyacheslav Gladkov said three houses burned.", gaz) == []
    assert spans("Selon Viatcheslav Gladkov, deux maisons ont brûlé.", gaz) == []
    # A role word right before the name, in both languages.
    assert spans("le gouverneur Gladkov a parlé ; governor Gladkov spoke", gaz) == []
    # An apposition after a capitalised word: "X Smirnov, the acting governor".
    got = find_mentions("Alexei Smirnov, the acting governor, spoke.", gaz)
    assert [(m.surface, m.person) for m in got] == [("Smirnov", True)]
    # A role word in the previous sentence says nothing.
    assert spans("He met the governor. Gladkov was shelled.", gaz) == ["Gladkov"]


def test_organisation_named_after_a_place_is_not_a_place(gaz):
    assert spans("A missile hit the Luch design bureau in Kyiv.", gaz) == ["Kyiv"]
    assert spans("Des combats près de Luch.", gaz, relative=None) == ["Luch"]


def test_vicinity_phrases_make_a_relative_mention_with_the_whole_span(gaz):
    text = "Fighting near Bakhmut and on the outskirts of Pokrovsk; combats aux portes de Kherson, près d’Odessa."
    rel = [m for m in find_mentions(text, gaz) if m.relative]
    assert [m.surface for m in rel] == [
        "near Bakhmut", "on the outskirts of Pokrovsk", "aux portes de Kherson", "près d’Odessa"]
    assert [text[m.relative.anchor_start : m.end] for m in rel] == ["Bakhmut", "Pokrovsk", "Kherson", "Odessa"]
    assert all(m.relative.km == 0 for m in rel)
    # A region is not given a "near" point of its own.
    assert not [m for m in find_mentions("near the Kursk region", gaz) if m.relative]


def test_capitalised_start_is_required_even_for_multi_word_names(gaz):
    assert spans("Tchassiv Iar, Chasiv Yar et Niu-York", gaz) == ["Tchassiv Iar", "Chasiv Yar", "Niu-York"]
    assert spans("tchassiv iar, un nom en minuscules", gaz) == []
    # Offsets stay right after apostrophes and ligatures earlier in the text.
    text = "L’œuvre d’art et l’usine d’Odessa ; Kyiv’s mayor"
    got = find_mentions(text, gaz)
    assert [text[m.start : m.end] for m in got] == ["Odessa", "Kyiv"]


# ---------------------------------------------------------------- speed paths give the same answers


@pytest.mark.parametrize("text", [
    "l’Ukraine d'Izmaïlivka, Mar‘inka",  # apostrophes: dropped by one folding, spaces in the other
    "ŒUVRE cœur Straße ﬁn ½ … ™ ℡",  # one character folding to several
    "ΣΟΦΙΑ ΟΔΟΣ σ ς",  # capital sigma lower-cases by context
    "\ue000\ue001x\uf8ff",  # private-use characters, the range of the placeholders
    "İstanbul ı I ǅ ǆ Ǆ Ⓐ ⅻ",  # capitals that do not lower back one to one
    "Київ Тестопілля 😀 a\u0301b x\u00adY",
])
def test_one_pass_folding_equals_the_two_foldings(text):
    cased, norm = matcher.fold_for_matching(text)
    assert cased == text.translate(matcher._CASED_TABLE)
    assert norm == normalise(text)
    assert len(norm) == len(text)


def _tiny_gazetteer(keys):
    from geo.gazetteer import Gazetteer, Place

    place = Place("t:1", "Idlib", "settlement", "PPL", "SY", "", "", 35.9, 36.6, 1000, None)
    return Gazetteer({"t:1": place}, {k: ("t:1",) for k in keys})


@pytest.mark.parametrize("keys, expected", [
    (["ıdlib"], "ıdlib"),  # dotless ı: "Idlib" is its spelling, but "idlib" its lower case
    (["ıdlib", "idlib"], "idlib"),  # two keys with one spelling: the later one, as add_word keeps it
    (["idlib", "ıdlib"], "ıdlib"),
    (["ıdlib rif", "idlib rif"], "idlib rif"),
])
def test_a_hit_key_is_the_key_whose_spelling_matched(keys, expected):
    hits = matcher.raw_hits("Frappes sur Idlib hier et Idlib Rif.", _tiny_gazetteer(keys))
    assert hits and all(key == expected for _, _, key in hits)


def test_a_spelling_longer_than_its_key_spans_the_whole_name():
    # "ﬁ" (one character) capitalises to "FI" (two): the hit must cover the spelling, not the key's length.
    text = "Frappes sur FIlatova hier, puis sur Nova FIlatova."
    hits = matcher.raw_hits(text, _tiny_gazetteer(["ﬁlatova", "nova ﬁlatova"]))
    assert [(text[s:e], key) for s, e, key in hits] == [("FIlatova", "ﬁlatova"), ("Nova FIlatova", "nova ﬁlatova")]


# ---------------------------------------------------------------- written-out and vague distances


def _relatives(text, gaz):
    return [(m.surface, m.relative.km, m.relative.bearing, m.relative.approx)
            for m in find_mentions(text, gaz) if m.relative and m.relative.km]


@pytest.mark.parametrize("text, expected", [
    ("Ils sont à huit kilomètres au nord de Kourakhové.", ("huit kilomètres au nord de Kourakhové", 8.0, 0.0, False)),
    ("à vingt-cinq km au sud de Pokrovsk", ("vingt-cinq km au sud de Pokrovsk", 25.0, 180.0, False)),
    ("à quatre-vingt-dix kilomètres à l'est de Kharkiv", ("quatre-vingt-dix kilomètres à l'est de Kharkiv", 90.0, 90.0,
                                                         False)),
    ("à un kilomètre au sud-ouest de Pokrovsk", ("un kilomètre au sud-ouest de Pokrovsk", 1.0, 225.0, False)),
    ("à environ huit kilomètres au nord de Kourakhové", ("huit kilomètres au nord de Kourakhové", 8.0, 0.0, True)),
    ("une dizaine de kilomètres à l’ouest de Bakhmout", ("une dizaine de kilomètres à l’ouest de Bakhmout", 10.0, 270.0,
                                                        True)),
    ("à quelques kilomètres à l'est de Pokrovsk", ("quelques kilomètres à l'est de Pokrovsk", 3.0, 90.0, True)),
    ("Troops are eight kilometres north of Kurakhove.", ("eight kilometres north of Kurakhove", 8.0, 0.0, False)),
    ("one hundred and twenty km east of Kharkiv", ("one hundred and twenty km east of Kharkiv", 120.0, 90.0, False)),
    ("They were 5 miles south of Pokrovsk.", ("5 miles south of Pokrovsk", 8.0, 180.0, False)),
    ("a mile west of Pokrovsk", ("a mile west of Pokrovsk", 1.6, 270.0, False)),
    ("a dozen miles north of Lyman", ("a dozen miles north of Lyman", 19.3, 0.0, True)),
    ("about 8 miles (13 kilometers) south of Pokrovsk", ("8 miles (13 kilometers) south of Pokrovsk", 12.9, 180.0,
                                                         True)),
    ("Russian forces are some 10km east of Pokrovsk.", ("10km east of Pokrovsk", 10.0, 90.0, True)),
    ("a few kilometres to the north of Pokrovsk", ("a few kilometres to the north of Pokrovsk", 3.0, 0.0, True)),
    ("Izmaïlivka, à 8 km au nord de Kourakhové", ("8 km au nord de Kourakhové", 8.0, 0.0, False)),
])
def test_distances_in_words_digits_and_miles(gaz, text, expected):
    assert _relatives(text, gaz) == [expected]


@pytest.mark.parametrize("text", [
    "Vovtchansk, à 5 km de la frontière, et Pokrovsk.",  # no direction: not a relative location
    "The town is a dozen miles from Pokrovsk.",
    "less than 10 km from Kharkiv",
    "à huit heures au nord de Kharkiv",  # not a distance
    "Il a huit ans ; au nord de Kharkiv",
])
def test_distances_without_direction_or_unit_are_not_relative_locations(gaz, text):
    assert _relatives(text, gaz) == []


# ---------------------------------------------------------------- names in capitals


def test_names_in_capitals_match_in_both_languages(gaz):
    assert spans("Frappe sur POKROVSK et KHARKIV selon l'OTAN", gaz) == ["POKROVSK", "KHARKIV"]
    assert spans("KYIV (AP) — Russia shelled SUMY and CHASIV YAR overnight.", gaz) == ["KYIV", "SUMY", "CHASIV YAR"]
    assert spans("Combats autour de TCHASSIV IAR et D'IZMAÏLIVKA", gaz, relative=None) == ["TCHASSIV IAR", "IZMAÏLIVKA"]
    # Cues are read on the normalised text, whatever the case.
    got = {m.surface: m.kind_cue for m in find_mentions("LA RÉGION DE KHARKIV", gaz)}
    assert got == {"RÉGION DE KHARKIV": "region"}


def test_capitals_that_are_not_names(gaz):
    # Inside a longer word, or glued to mixed case.
    assert spans("KHARKIVSKA OBLAST et McKHARKIV", gaz) == []
    # A short capitals word is an acronym unless a big city or a region bears it: LUCH is a village.
    assert spans("Le site LUCH a été touché ; KIEV aussi.", gaz) == ["KIEV"]
    # A name the gazetteer flags as a surname or common word needs a place preposition before it.
    assert spans("LYMAN a parlé.", gaz) == []
    assert spans("Combats près de LYMAN.", gaz, relative=None) == ["LYMAN"]
    # A first name before it makes a person, in capitals too.
    got = find_mentions("VYACHESLAV GLADKOV said three houses burned.", gaz)
    assert [(m.surface, m.person) for m in got] == [("GLADKOV", True)]


def test_caps_word_list_and_shouting_lines():
    tiny = _tiny_gazetteer(["unicef", "idlib"])
    # An acronym of geo/cues/caps_words.txt is never a place in capitals (its mixed-case spelling still is).
    assert [k for _, _, k in matcher.raw_hits("Selon UNICEF et Unicef.", tiny)] == ["unicef"]
    # A foreign small place in capitals matches among mixed-case words ...
    assert [k for _, _, k in matcher.raw_hits("Frappes sur IDLIB hier.", tiny)] == ["idlib"]
    # ... but not in a shouting line, where every word looks like a name.
    assert matcher.raw_hits("STRIKES ON IDLIB KILL FIVE CIVILIANS OVERNIGHT", tiny) == []
    assert "nato" in load_cues().caps_words and "sbu" in load_cues().caps_words


def test_anaphoric_relative_locations_are_found_wherever_their_unit_is(gaz):
    # Each anaphor ("the plant", "ce village") is looked for only after a distance unit: a unit far before
    # it, or none, gives nothing; two close units and two anaphors give one relative location each.
    near = "Strikes on Donetsk: 5 km north of the plant, then 8 km south-east of the town. "
    far = "A unit, 3 km, " + "then a long way " * 8 + "west of the plant. "
    text = near + far + "Des tirs à 12 km au nord de ce village."
    rel = [m for m in find_mentions(text, gaz) if m.relative]
    assert [(m.surface, m.relative.anchor_kind) for m in rel] == [
        ("5 km north of the plant", "feature"), ("8 km south-east of the town", "settlement"),
        ("12 km au nord de ce village", "settlement")]
    assert [(m.relative.km, m.relative.bearing) for m in rel] == [(5.0, 0.0), (8.0, 135.0), (12.0, 0.0)]



def test_private_use_characters_fold_the_same_whatever_the_hash_seed():
    # Icon fonts put private-use characters (U+E000…) in saved pages; the joint folding uses that range for its
    # placeholders, so a restored character must never be taken for a placeholder (the result once depended
    # on set order, hence on PYTHONHASHSEED).
    code = (
        "from geo import matcher\n"
        "from geo.matcher import fold_for_matching, normalise, _CASED_TABLE\n"
        "for text in ['L\\u2019Ukraine \\ue000 d\\u2019Izma\\u00eflivka \\ue001 \\u0152UVRE \\ue002 Stra\\u00dfe',\n"
        "             ''.join(chr(0xE000 + i) + ' l\\u2019' for i in range(12)) + ' \\u00bd \\u0130']:\n"
        "    assert fold_for_matching(text) == (text.translate(_CASED_TABLE), normalise(text)), text\n"
    )
    for seed in range(6):
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)})
        assert done.returncode == 0, done.stderr[-1500:]
