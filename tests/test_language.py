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
