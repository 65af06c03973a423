"""Language detection from function words."""
from liveblog.language import detect_language, stopwords


def test_french_and_english():
    assert detect_language("Le ministère de la Défense a annoncé que les troupes sont dans la ville.") == "fr"
    assert detect_language("The ministry said that the troops were in the town on Monday.") == "en"


def test_too_little_evidence_is_undetermined():
    assert detect_language("") == "und"
    assert detect_language("Kharkiv Kyiv 2024") == "und"


def test_stopword_lists_load():
    lists = stopwords()
    assert {"fr", "en"} <= set(lists) and all(lists.values())


def test_words_are_remembered_without_changing_the_answer():
    # Elided function words count with or without their apostrophe; a second call, served from the
    # per-word memory, gives the same answer as the first.
    text = "qu’ l’ d’ qu’ l’"
    assert detect_language(text) == "fr" and detect_language(text) == "fr"
    assert detect_language("The war, the front and the town") == "en"
    assert detect_language("The war, the front and the town") == "en"


def test_counts_match_a_count_of_every_word():
    # Token by token with a memory gives the answer a plain count of every word of the sample gives.
    import random
    import re
    from collections import Counter

    from liveblog.language import MARGIN, MIN_HITS, SAMPLE_CHARS, _index

    def reference(text):
        hits = dict.fromkeys(stopwords(), 0)
        for w, n in Counter(re.findall(r"[^\W\d_]+[’']?", text[:SAMPLE_CHARS].lower())).items():
            for code in _index().get(w) or _index().get(w.rstrip("’'")) or ():
                hits[code] += n
        (best, n), second = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)[0], sorted(hits.values())[-2]
        return "und" if n < MIN_HITS or n < MARGIN * second else best

    rng = random.Random(11)
    words = ["le", "la", "de", "the", "and", "of", "l’armée", "d'Ukraine", "(AFP)", "qu’", "2024", "x_y", "ΣΑΣ",
             "İ", "Kyiv,", "«", "the,the", "et/and", "\u00a0", "\n"]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        assert detect_language(text) == reference(text), text


def test_a_clear_start_decides_and_an_unclear_one_reads_on():
    from liveblog.language import EARLY_CHARS, SAMPLE_CHARS

    french = "Les troupes sont entrées dans la ville et le maire a dit que les habitants sont partis. "
    english = "The troops said that the town was taken and the mayor said the people had left it. "
    filler = "Kharkiv Kyiv Odesa Dnipro Lviv Sumy Poltava Mykolaiv Kherson Zaporijjia. "
    # French clearly leads in the first EARLY_CHARS: English further on does not change the answer.
    start = french * (EARLY_CHARS // len(french) + 1)
    assert detect_language(start + english * 30) == "fr"
    # Place names only at first (no evidence yet): the rest of the sample decides.
    names = filler * (EARLY_CHARS // len(filler) + 1)
    assert detect_language(names + english * 20) == "en"
    assert detect_language(names + french * 20) == "fr"
    # Nothing past SAMPLE_CHARS is read.
    assert detect_language(filler * (SAMPLE_CHARS // len(filler) + 1) + french * 20) == "und"


def test_token_by_token_lower_casing_matches_the_text_s():
    # Tokens are lower-cased one by one (and remembered as written): the answer is the one the
    # lower-cased text gives, capitals and a final sigma included.
    for text in ["LE MINISTÈRE DE LA DÉFENSE A DIT QUE LES TROUPES", "THE ARMY SAID THAT THE TOWN WAS TAKEN",
                 "ΣΑΣ Le la ΣΑΣ les", "THE The the ΣΑΣ İ"]:
        assert detect_language(text) == detect_language(text.lower())
