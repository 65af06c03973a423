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
