"""Sentence splitting with offsets, and the syndicated body splitter."""

import pytest

from liveblog.segment import LEXICONS, load_word_list, split_sentences, split_syndicated_body


def texts(s):
    out = split_sentences(s)
    for sent in out:
        assert s[sent.start:sent.end] == sent.text  # offsets index into the input
    return [x.text for x in out]


def test_glued_sentences_split():
    assert texts("Il parle de l’Ukraine.Volodymyr Zelensky a répondu.") == [
        "Il parle de l’Ukraine.", "Volodymyr Zelensky a répondu."]


def test_glued_opening_quote_starts_next_sentence():
    got = texts("a dit Mark Test.”Je peux confirmer”, a-t-il ajouté. Fin.")
    assert got == ["a dit Mark Test.", "”Je peux confirmer”, a-t-il ajouté.", "Fin."]


def test_quotes_stay_with_their_sentence():
    got = texts("« Où est-il\u00a0? », a demandé le maire. “We won.” He left.")
    assert got == ["« Où est-il\u00a0? », a demandé le maire.", "“We won.”", "He left."]


@pytest.mark.parametrize("s", [
    "M. Dupont est arrivé.", "Mr. Smith left.", "Dr. Who spoke.", "The U.S. Army moved.",
    "It grew by 1.5 km overnight.", "He saw St. Petersburg.",
])
def test_abbreviations_and_decimals_do_not_split(s):
    assert texts(s) == [s]


def test_line_breaks_end_sentences_and_offsets_with_window():
    s = "Titre sans point\nCorps un. Corps deux."
    assert texts(s) == ["Titre sans point", "Corps un.", "Corps deux."]
    part = split_sentences(s, 17, len(s))
    assert [p.text for p in part] == ["Corps un.", "Corps deux."] and part[0].start == 17


def test_glued_initial_before_capitalised_word_splits():
    assert texts("sur son compte X.Moscou revendique un village.") == [
        "sur son compte X.", "Moscou revendique un village."]


@pytest.mark.parametrize("s", ["", "   ", ".", "?!", "«", "”", "a.", "\n\n", "…Le"])
def test_never_crashes_on_odd_text(s):
    texts(s)


def test_syndicated_body_headlines_and_camel_case():
    body = ("Une intro neutre.Premier titre sans pointLe corps commence ici, selon DeepState. "
            "Suite du corps.Deuxième titre finit par un chiffre en 2025Le texte suit. "
            "Selon DeepState, rien.Un titre interrogatif ici ?”Non”, a dit le maire.")
    intro, summary, ups = split_syndicated_body(body)
    assert intro == "Une intro neutre."
    assert summary == []
    assert [h for h, _ in ups] == ["Premier titre sans point", "Deuxième titre finit par un chiffre en 2025",
                                   "Un titre interrogatif ici ?"]
    assert ups[0][1].startswith("Le corps commence ici")


def test_syndicated_summary_list_is_not_an_update():
    body = "Intro.Key points:⇒ Troops advance near Town⇒ Mayor speaksTroops advance near TownThe army said so.Mayor speaksThe mayor spoke."
    intro, summary, ups = split_syndicated_body(body)
    assert intro == "Intro."
    assert summary == ["Troops advance near Town", "Mayor speaks"]
    assert [h for h, _ in ups] == ["Troops advance near Town", "Mayor speaks"]


def test_segment_lexicons_load():
    for path in LEXICONS.glob("segment_*"):
        if path.suffix == ".txt":
            assert load_word_list(path.name)
        else:
            rows = [r for r in path.read_text(encoding="utf-8").splitlines() if r and not r.startswith("#")]
            assert rows and all("\t" in r for r in rows), path.name


def test_glue_candidates_are_non_lower_case_letters_and_quotes_after_a_non_space():
    import re

    from liveblog.segment import _GLUE_CANDIDATE

    plain = re.compile(r"(?<=\S)[«“‘\"”]|(?<=\S)[^\W\d_a-zà-öø-ÿ]")  # the definition, written simply
    text = "a«b «c x“Y d\"E\nÉ1Ü2_A Ω ǅ ſ 𝐀 x𝐀 \u00a0A l’Ukraine.Volodymyr DniproLes Ⅻ x² «Le» 9Z _Q"
    got = [m.start() for m in _GLUE_CANDIDATE.finditer(text)]
    assert got == [m.start() for m in plain.finditer(text)]
    assert text.index("Y") in got and text.index("L", text.index("Dnipro")) in got and 0 not in got


def test_word_before_a_dot_is_what_the_regex_finds():
    # _word_before reads backwards from the dot; it must agree with _WORD_BEFORE (whose $ also matches
    # before a final line break) on any text, so that abbreviations are read as before.
    import random

    from liveblog.segment import _WORD_BEFORE, _word_before

    rng = random.Random(5)
    pieces = ["M", "av", "J", "U", "S", "etc", " ", "  ", "\n", ".", "«", "’", "(", "-", "x" * 45, "é", "\u00a0"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) + "."
        dot = len(text) - 1
        lo = rng.randint(0, dot)
        m = _WORD_BEFORE.search(text, max(lo, dot - 40), dot)
        assert _word_before(text, dot, lo) == (m.group(1) if m else None), repr(text)
