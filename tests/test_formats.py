"""Reading the three live-blog formats, plain text and bad input; gold checks on the shared data."""
import json
from datetime import datetime
from pathlib import Path

import pytest

from liveblog.formats import FormatError, decode_bytes, parse_article, parse_header_dates, parse_time_stamp, read_article

FIX = Path(__file__).resolve().parent / "fixtures" / "formats"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_syndicated_french_with_summary():
    a = read_article(FIX / "syndicated_fr.txt")
    assert (a.format, a.lang, a.outlet, a.author) == ("syndicated", "fr", "Le Courrier fictif", "Jeanne Martin")
    assert a.published == datetime(2025, 1, 2, 14, 5, 9)
    assert a.url == "https://www.courrier.example/monde/journee-de-tests"
    assert a.caption.startswith("Une rue vide")
    assert a.tags == ["Le Courrier fictif", "Ukraine"]
    assert a.intro.endswith("deux phrases.")
    assert len(a.summary) == 3
    assert [u.headline for u in a.updates] == [
        "Le parseur lit les titres collés", "Une alerte aérienne à Testville", "Qui a gagné ?"]
    assert [u.index for u in a.updates] == [0, 1, 2]
    u = a.updates[0]
    assert u.text.startswith(u.headline + "\nLe module") and "DeepState" in u.text
    assert all(u.published is None for u in a.updates)


def test_syndicated_english_without_summary():
    a = read_article(FIX / "syndicated_en.txt")
    assert a.lang == "en" and a.summary == [] and a.author is None
    assert a.intro == "An intro sentence with no list. It ends here."
    assert [u.headline for u in a.updates] == [
        "Talks on the table at the U.S. embassy in 2025",
        "Drone strike hits depot, officials say ‘all clear’",
        "Is the bridge still standing?",
    ]


def test_plain_french_relative_stamps_and_furniture():
    a = read_article(FIX / "plain_fr.txt")
    assert (a.format, a.lang, a.outlet) == ("plain", "fr", "Le Courrier fictif")
    assert a.published == datetime(2025, 2, 3, 8, 0) and a.updated == datetime(2025, 2, 4, 10, 30)
    assert [u.published for u in a.updates] == [
        datetime(2025, 2, 4, 10, 0), datetime(2025, 2, 4, 8, 30), datetime(2025, 2, 3, 23, 15)]
    text = "\n".join(u.text for u in a.updates)
    for furniture in ("Partager", "Publicité", "A LIRE AUSSI", "article lié"):
        assert furniture not in text


def test_plain_english_clock_crosses_midnight():
    a = read_article(FIX / "plain_en.txt")
    assert a.lang == "en" and a.updated == datetime(2025, 3, 6, 1, 15)
    assert [u.published for u in a.updates] == [
        datetime(2025, 3, 6, 0, 50), datetime(2025, 3, 5, 23, 40), datetime(2025, 3, 5, 22, 0)]
    assert [u.headline for u in a.updates] == ["Overnight drone attack reported", "Mayor: ‘We are ready’", "Welcome"]
    assert "Read more" not in a.updates[0].text and "Share" not in a.updates[0].text


def test_plain_date_line_without_a_published_word():
    # Pages copied as text often show the date alone under the title ("Tue 12 Nov 2024 09.15 GMT"); a long
    # line holding a date is a sentence of the intro, not the publication time.
    page = ("Testville live: a made-up blog\nTue 12 Nov 2024 09.15 GMT\n"
            "On 3 November 2024 at 10:00 the mayor of Testville opened the bridge again.\n\n"
            "10.30 GMT\nBridge closed again\nThe mayor closed the bridge.\n\n"
            "09.20 GMT\nWelcome\nGood morning.\n")
    a = parse_article(page, "t.txt")
    assert a.format == "plain" and a.published == datetime(2024, 11, 12, 9, 15)
    assert [u.published for u in a.updates] == [datetime(2024, 11, 12, 10, 30), datetime(2024, 11, 12, 9, 20)]
    assert a.intro.startswith("On 3 November 2024")


def test_html_ignores_nav_scripts_ads_and_aside():
    a = read_article(FIX / "page.html")
    assert (a.format, a.lang, a.outlet) == ("html", "fr", "Le Courrier fictif")
    assert a.title == "Direct : une page fictive & ses mises à jour"
    assert a.url == "https://www.courrier.example/direct/page"
    assert a.published == datetime(2025, 6, 1, 7, 30) and a.updated == datetime(2025, 6, 1, 18, 10)
    assert [u.headline for u in a.updates] == ["Le maire de Testville «\u00a0rassuré\u00a0»", "Bienvenue dans ce direct"]
    assert a.updates[0].published == datetime(2025, 6, 1, 18, 5)
    assert a.intro == "Un chapeau qui n’est pas une mise à jour."
    body = "\n".join(u.text for u in a.updates)
    assert "Scriptville" not in body and "Publicité" not in body and "Navville" not in body


def test_html_updates_with_clock_times_in_spans_and_no_time_element():
    # Some pages (Le Monde's live pages among them) give each post its time as <span class="date">11:20</span>:
    # the times are dated from the page's publication date, newest first, like a plain page's stamps.
    page = """<html lang="fr"><head><meta property="article:published_time" content="2024-11-11T22:05:00+01:00">
    </head><body><h1>Direct fictif</h1>
    <section class="post"><div class="post__header"><span class="date">01:20</span></div>
    <h2>Une frappe sur Testville</h2><p>Une frappe a visé Testville, selon le maire. <span class="date">(mis à jour)</span></p></section>
    <section class="post"><div class="post__header"><span class="date">23:45</span></div>
    <h2>Alerte aérienne</h2><p>Une alerte a retenti.</p></section>
    <section class="post"><span class="date">22:05</span><h2>Bienvenue</h2><p>Bonjour.</p></section>
    </body></html>"""
    a = parse_article(page, "p.html")
    assert [u.headline for u in a.updates] == ["Une frappe sur Testville", "Alerte aérienne", "Bienvenue"]
    assert [u.published for u in a.updates] == [
        datetime(2024, 11, 12, 1, 20), datetime(2024, 11, 11, 23, 45), datetime(2024, 11, 11, 22, 5)]
    assert a.updates[0].text.endswith("selon le maire. (mis à jour)")  # a span inside a paragraph stays text


def test_html_posts_without_headlines_and_stamps_in_paragraphs():
    # Posts led by their clock time (<p><time datetime=…>09.14 GMT</time></p>) are updates even without an
    # <h2>: their paragraphs are not merged into the post before, nor taken for the intro; a headline that
    # follows the stamp is still the post's headline. A dated line in a paragraph stays the page's date.
    page = """<html lang="en"><body><article>
    <p class="dateline"><time datetime="2024-11-12T07:05:00Z">Tue 12 Nov 2024 07.05 GMT</time></p>
    <p>An intro that is not an update.</p>
    <div class="block"><p><time datetime="2024-11-12T10:05:00Z">10.05 GMT</time></p>
    <p>The mayor said the bridge was closed.</p><p>He gave no reason.</p></div>
    <div class="block"><p><time datetime="2024-11-12T09:14:00Z">09.14 GMT</time></p>
    <h2>Strike on Testville</h2><p>A strike hit Testville, at <time datetime="2024-11-12T08:50:00Z">08.50</time>.</p></div>
    <div class="block"><p><time datetime="2024-11-12T07:10:00Z">07.10 GMT</time></p><p>Welcome.</p></div>
    </article></body></html>"""
    a = parse_article(page, "g.html")
    assert a.published == datetime(2024, 11, 12, 7, 5) and a.intro == "An intro that is not an update."
    assert [(u.headline, u.published) for u in a.updates] == [
        ("", datetime(2024, 11, 12, 10, 5)), ("Strike on Testville", datetime(2024, 11, 12, 9, 14)),
        ("", datetime(2024, 11, 12, 7, 10))]
    assert a.updates[0].text == "The mayor said the bridge was closed.\nHe gave no reason."
    assert a.updates[1].text == "Strike on Testville\nA strike hit Testville, at 08.50."
    assert a.updates[2].text == "Welcome."


def test_html_posts_titled_with_h3():
    # Pages that keep <h2> for their sections title each post with an <h3> after its time: the headline.
    page = """<html lang="en"><body><article><h1>Test latest</h1>
    <div class="post"><time datetime="2024-11-12T11:20:00+02:00">11:20 AM</time><h3>Village claimed</h3>
    <p>The ministry claimed the village.</p></div>
    <div class="post"><time datetime="2024-11-12T09:05:00+02:00">9:05 AM</time><h3>Drone attack</h3>
    <p>Two people were injured.</p><h3>Not a new post</h3><p>More text.</p></div></article></body></html>"""
    a = parse_article(page, "h3.html")
    assert [(u.headline, u.published) for u in a.updates] == [
        ("Village claimed", datetime(2024, 11, 12, 11, 20)), ("Drone attack", datetime(2024, 11, 12, 9, 5))]
    assert a.updates[1].text == "Drone attack\nTwo people were injured.\nNot a new post\nMore text."


def test_html_time_right_after_the_headline_is_that_posts_time():
    # "<h2>…</h2><time>…</time><p>…": the time belongs to the headline before it, and the post keeps its text.
    page = """<html lang="fr"><head><meta property="article:published_time" content="2024-11-12T06:00:00+01:00">
    </head><body><article><h1>Direct</h1>
    <div class="post"><h2>Frappe sur Testville</h2><time datetime="2024-11-12T11:20:00+01:00">11h20</time>
    <p>Une frappe a visé Testville.</p></div>
    <div class="post"><h2>Alerte</h2><span class="date">09:05</span><p>Une alerte a retenti.</p><p>Fin.</p></div>
    </article></body></html>"""
    a = parse_article(page, "after.html")
    assert [(u.headline, u.published, u.text) for u in a.updates] == [
        ("Frappe sur Testville", datetime(2024, 11, 12, 11, 20), "Frappe sur Testville\nUne frappe a visé Testville."),
        ("Alerte", datetime(2024, 11, 12, 9, 5), "Alerte\nUne alerte a retenti.\nFin.")]


def test_html_live_posts_outside_article_next_to_teaser_articles():
    # Some pages keep the live posts in <main> and use <article> for teasers: the posts are the blog.
    page = """<html lang="en"><body><main><h1>Live: test</h1>
    <div class="post"><time datetime="2024-11-12T11:20:00Z">11:20</time><h2>First post</h2><p>One.</p></div>
    <div class="post"><time datetime="2024-11-12T10:00:00Z">10:00</time><h2>Second post</h2><p>Two.</p></div>
    </main><aside class="more"></aside>
    <article class="teaser"><h2>A related story</h2><p>Teaser text.</p></article></body></html>"""
    a = parse_article(page, "main.html")
    assert a.title == "Live: test"
    assert [(u.headline, u.text) for u in a.updates] == [("First post", "First post\nOne."), ("Second post", "Second post\nTwo.")]


def test_unstructured_text_one_update_per_block():
    a = read_article(FIX / "unstructured.txt")
    assert a.format == "text" and len(a.updates) == 2
    assert a.updates[0].headline == "Notes from the front" and a.updates[1].headline == ""


@pytest.mark.parametrize("name,reason", [
    ("empty.txt", "empty"), ("blank.txt", "empty"), ("binary.bin", "binary"),
    ("syndicated_empty_body.txt", "no updates"),
])
def test_bad_inputs_are_rejected_with_a_reason(name, reason):
    with pytest.raises(FormatError, match=reason):
        read_article(FIX / name)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_article(tmp_path / "nope.txt")


@pytest.mark.parametrize("name,warned", [
    ("latin1_plain.txt", True), ("utf16_plain.txt", False), ("utf8_bom_plain.txt", False)])
def test_encodings(name, warned):
    text, warning = decode_bytes((FIX / name).read_bytes())
    assert "général" in text and not text.startswith("\ufeff")
    assert (warning is not None) == warned


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-16"), lambda t: t.encode("utf-16-le"), lambda t: t.encode("utf-16-be"),
    lambda t: t.encode("utf-32")])
def test_a_utf16_or_32_file_cut_mid_character_keeps_its_text_with_a_warning(encode):
    data = encode("Le général a parlé à Kourakhové.")
    text, warning = decode_bytes(data[:-1])  # one byte short: a file truncated mid-character
    assert text.startswith("Le général a parlé à Kourakhov")
    assert warning is not None and "dropped" in warning


def test_non_printable_text_is_binary():
    with pytest.raises(FormatError, match="binary"):
        decode_bytes(bytes(range(1, 32)) * 50)


@pytest.mark.parametrize("text", [
    "* . *", "* . *\n\n\n\n\nx", "<html>", "<html><article><h2></h2></article></html>", "12h00\n", "\x0c",
    "Publié le 99/99/2023 à 99h99\n10h00\nTitre\nCorps.", "* . *\nA\n\nB\n\n\n\n\nCorps sans titre.\n\n\nSource link :",
])
def test_never_crashes(text):
    try:
        parse_article(text)
    except FormatError:
        pass


def test_header_dates():
    assert parse_header_dates("Publié le 21/05/2023 à 07h02 · Mis à jour le 21/05/2023 à 19h48") == (
        datetime(2023, 5, 21, 7, 2), datetime(2023, 5, 21, 19, 48))
    assert parse_header_dates("Published 20 August 2024, 07:10 GMT | Updated 18:55 GMT") == (
        datetime(2024, 8, 20, 7, 10), datetime(2024, 8, 20, 18, 55))
    assert parse_header_dates("Last updated 22 May 2025, 20:15 BST") == (None, datetime(2025, 5, 22, 20, 15))
    assert parse_header_dates("Published 20 August 2024, 7.10pm GMT | Updated 9.55pm GMT") == (
        datetime(2024, 8, 20, 19, 10), datetime(2024, 8, 20, 21, 55))
    assert parse_header_dates("Published 11:20 GMT, 12 November 2024")[0] == datetime(2024, 11, 12, 11, 20)
    assert parse_header_dates("Published on 12th November 2024 at 11:20")[0] == datetime(2024, 11, 12, 11, 20)
    assert parse_header_dates("Published 1st of March 2025 at 9.05am")[0] == datetime(2025, 3, 1, 9, 5)


@pytest.mark.parametrize("stamp, expected", [
    ("18h40", ("clock", (18, 40))), ("18H40", ("clock", (18, 40))), ("09.14 GMT", ("clock", (9, 14))),
    ("9.14am GMT", ("clock", (9, 14))), ("9.14pm GMT", ("clock", (21, 14))), ("12.05am", ("clock", (0, 5))),
    ("12.05pm BST", ("clock", (12, 5))), ("10:05 p.m.", ("clock", (22, 5))), ("Posted at 10:05", ("clock", (10, 5))),
    ("Publié à 10h05", ("clock", (10, 5))), ("Hier à 22h10", ("yesterday", (22, 10))),
    ("Il y a 35 minutes", ("ago", 35)), ("2 hours ago", ("ago", 120)),
    ("25h10", None), ("Posted at noon", None), ("1945", None), ("La ville a été frappée à 10h05", None),
])
def test_time_stamps(stamp, expected):
    assert parse_time_stamp(stamp) == expected


def _gold():
    rows = []
    for sub, gold in (("seeds", "seeds/gold.jsonl"), ("devset", "devset/gold.jsonl")):
        path = SHARED / gold
        if path.exists():
            rows += [(SHARED / sub / d["file"], d) for d in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if d]
    return rows


GOLD = _gold()


@pytest.mark.skipif(not GOLD, reason="../shared (gold annotations) not present")
@pytest.mark.parametrize("path,gold", GOLD, ids=[p.name for p, _ in GOLD] or None)
def test_gold_headlines_counts_and_dates(path, gold):
    a = read_article(path)
    assert a.format == gold["format"] and a.lang == gold["lang"]
    assert [u.headline for u in a.updates] == gold["headlines"]
    assert len(a.updates) == gold["updates"]
    assert a.published == datetime.fromisoformat(gold["published"])
    if "updated" in gold:
        assert a.updated == (datetime.fromisoformat(gold["updated"]) if gold["updated"] else None)
    for key in ("title", "outlet", "url"):
        if key in gold:
            assert getattr(a, key) == gold[key]
    if a.format != "syndicated":
        stamps = [u.published for u in a.updates]
        assert all(stamps) and stamps == sorted(stamps, reverse=True)  # newest first


def test_control_ratio_counts_exactly_the_non_printable_controls():
    from liveblog.formats import _control_ratio

    # Tab, line feed, carriage return and form feed are text; the other C0 controls, DEL and C1 are not.
    every = "".join(map(chr, range(0x200)))
    bad = [c for c in every if (c < " " and c not in "\t\n\r\f") or "\x7f" <= c <= "\x9f"]
    assert _control_ratio(every) == len(bad) / len(every)
    assert len(bad) == 28 + 33 and "\x0b" in bad and "\x0c" not in bad
    assert _control_ratio("Kyiv\tsaid\r\n\x0c") == 0.0
