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
