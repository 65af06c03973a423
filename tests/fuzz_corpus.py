"""Generated live blogs for the hostile-input tests and the long fuzz run (bench/fuzz.py): good files in the
three formats, hostile files with the end each must reach, byte mutations. Seeded, written here, never stored.

Shared by tests/test_fuzz.py, tests/test_crash_safety.py, tests/test_concurrency.py and bench/fuzz.py.
"""
from __future__ import annotations

import random
from pathlib import Path

from liveblog import store

REPO = Path(__file__).resolve().parents[1]
UNEXPECTED = "unexpected error"  # the pipeline's prefix for an exception that is not a FormatError

# --- valid live blogs, written here (invented outlets, URLs and claims; real place names) ----------------

PLACES = ["Kurakhove", "Pokrovsk", "Kupiansk", "Kharkiv", "Zaporizhzhia", "Toretsk", "Sudzha", "Chasiv Yar",
          "Vuhledar", "Selydove", "Kherson", "Huliaipole"]
PLACES_FR = ["Kourakhové", "Pokrovsk", "Koupiansk", "Kharkiv", "Zaporijjia", "Toretsk", "Soudja", "Tchassiv Iar",
             "Vouhledar", "Selydové", "Kherson", "Houliaïpole"]
CLAIMS_EN = ["Russia's defence ministry said on Sunday its forces had captured {p}.",
             "Ukraine's general staff said Russian troops had been repelled near {p}.",
             "A Russian missile struck {p} overnight, the regional governor said.",
             "The SBU said it had arrested a man in {p} suspected of spying for Moscow."]
CLAIMS_FR = ["Le ministère russe de la Défense a affirmé dimanche avoir pris le contrôle de {p}.",
             "L’état-major ukrainien a indiqué avoir repoussé une attaque russe près de {p}.",
             "Un missile russe a frappé {p} dans la nuit, a déclaré le gouverneur régional.",
             "Le SBU a annoncé avoir arrêté à {p} un homme soupçonné d’espionnage."]


def make_liveblog(rng: random.Random, n: int, fmt: str, updates: int = 4) -> tuple[str, bytes]:
    """(file name, UTF-8 bytes) of a small valid live blog number n in format syndicated | plain | html."""
    url = f"https://fuzz.example/live/{fmt}-{n}"
    if fmt == "syndicated":
        pieces = [f"Titre {n}-{k} sur {rng.choice(PLACES_FR)}" +
                  " ".join(rng.choice(CLAIMS_FR).format(p=rng.choice(PLACES_FR)) for _ in range(2))
                  for k in range(updates)]
        text = (f"* . *\nLe Courrier du Fuzz\n\nGuerre en Ukraine : direct numéro {n}\n\nUne légende de photo.\n\n\n\n"
                f"Le direct commence.{''.join(pieces)}\n\n\n\nSource link : {url}\n\nAuthor :\n\n"
                f"Publish date : 2024-11-04 10:{n % 60:02d}:00\n\nCopyright for syndicated content belongs to the "
                "linked Source.\n\nTags : Le Courrier du Fuzz\n")
        return f"live-{n}-fr.txt", text.encode()
    if fmt == "plain":
        blocks = [f"{18 - k:02d}:{rng.randrange(60):02d}\nHeadline {n}-{k} about {rng.choice(PLACES)}\n" +
                  " ".join(rng.choice(CLAIMS_EN).format(p=rng.choice(PLACES)) for _ in range(2))
                  for k in range(updates)]
        text = (f"LIVE: Ukraine war day {n}\nPublished 12/05/2024 at 07:00 · Updated 12/05/2024 at 18:59\n"
                "The Fuzz Gazette\n\n" + "\n\n".join(blocks) + "\n")
        return f"live-{n}-en.txt", text.encode()
    posts = "".join(
        f'<div class="post"><time datetime="2024-06-01T{18 - k:02d}:00:00+02:00">{18 - k}h00</time>'
        f"<h2>Titre {n}-{k} : {rng.choice(PLACES_FR)}</h2><p>{rng.choice(CLAIMS_FR).format(p=rng.choice(PLACES_FR))}</p></div>"
        for k in range(updates))
    text = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Direct {n} - Le Courrier du Fuzz'
            f'</title><link rel="canonical" href="{url}"></head><body><article><header><h1>Direct {n}</h1>'
            f'<time datetime="2024-06-01T07:00:00+02:00">1er juin 2024</time></header>{posts}</article></body></html>')
    return f"live-{n}-fr.html", text.encode()


def good_corpus(rng: random.Random, n: int, start: int = 0) -> list[tuple[str, bytes]]:
    return [make_liveblog(rng, i, ("syndicated", "plain", "html")[i % 3]) for i in range(start, start + n)]


# --- hostile files ------------------------------------------------------------------------------------------

def hostile_corpus(rng: random.Random, big: bool = False) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, expected) for each kind of bad input the issue lists; expected is "reject" (a clear
    per-file error), "ingest" (a clean ingest) or "either". big=True adds the 50 MB line and 100,000 updates."""
    _, fr = make_liveblog(rng, 9001, "syndicated")
    _, en = make_liveblog(rng, 9002, "plain")
    _, html = make_liveblog(rng, 9003, "html")
    fr_text, en_text = fr.decode(), en.decode()
    cases = [
        ("empty.txt", b"", "reject"),
        ("blank.txt", b" \n\t\r\n  \n", "reject"),
        ("binary.txt", bytes(rng.randrange(256) for _ in range(4000)), "reject"),
        ("zeros.txt", b"\x00" * 3000, "reject"),
        ("png.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)), "reject"),
        ("truncated utf8.txt", fr[: fr.index("é".encode()) + 1], "either"),  # cut inside a two-byte character
        ("truncated-end.txt", fr + "é".encode()[:1], "ingest"),
        ("latin1.txt", fr_text.replace("’", "'").encode("latin-1"), "ingest"),
        ("cp1252.txt", fr_text.encode("cp1252"), "ingest"),
        ("utf16-bom.txt", en_text.encode("utf-16"), "ingest"),
        ("utf16le-nobom.txt", en_text.encode("utf-16-le"), "ingest"),
        ("utf16be-nobom.txt", en_text.encode("utf-16-be"), "ingest"),
        ("utf16-odd-length.txt", en_text.encode("utf-16-le") + b"\x00", "ingest"),  # last byte dropped, warned
        ("utf8-bom.html", b"\xef\xbb\xbf" + html, "ingest"),
        ("bom-then-garbage.txt", b"\xff\xfe" + b"\x00\xd8" * 50, "reject"),
        ("bad-date.txt", fr_text.replace("2024-11-04 10", "2024-13-45 99").encode(), "ingest"),
        ("no-date.txt", "\n".join(line for line in fr_text.split("\n") if "Publish date" not in line).encode(),
         "ingest"),
        ("bad-times.txt", en_text.replace("12/05/2024 at 07:00", "45/13/2024 at 29:75").replace("18:", "29:").encode(),
         "either"),
        ("bad-html-dates.html", html.replace(b"2024-06-01T", b"2024-13-45T"), "ingest"),
        ("control chars.txt", "".join(c + ("\x07" if rng.random() < 0.01 else "") for c in en_text).encode(),
         "either"),
        ("mostly-control.txt", "".join(chr(rng.randrange(1, 32)) for _ in range(3000)).encode(), "reject"),
        ("rtl-marks.txt", en_text.replace(" ", " \u200f", 40).replace("Kharkiv", "\u202eKharkiv\u202c").encode(),
         "ingest"),
        ("zero-width.txt", en_text.replace("a", "a\u200b").encode(), "ingest"),
        ("enormous token.txt", (en_text + "\n\n" + "Kharkivskyi" * 100 + "x" * 20000 + "\n").encode(), "ingest"),
        ("nested.html", ("<html><body><article><h1>Direct</h1>" + "<div><span>" * 3000 + "<h2>Titre</h2><p>"
                         + CLAIMS_FR[0].format(p="Pokrovsk") + "</p>" + "</span></div>" * 3000
                         + "</article></body></html>").encode(), "either"),
        ("unclosed.html", ("<html><body><article><h1>Direct" + "<h2>Titre<p>Texte <b><i>" * 500 + "<!-- <script>")
         .encode(), "either"),
        ("tags-only.html", b"<html><body>" + b"<p></p><div/>" * 2000 + b"</body></html>", "reject"),
        ("script-only.html", b"<html><body><script>" + b"var x='<h2>Kyiv</h2>';" * 500 + b"</script></body></html>",
         "reject"),
        ("many updates.txt", "\n".join(f"{h:02d}:{m:02d}\nHeadline {i}\nRussia says it struck Kharkiv." for i in
                                       range(300) for h, m in [divmod((1439 - i) % 1440, 60)]).encode(), "ingest"),
        ("one long line.txt", (" ".join(rng.choice(("Kyiv", "said", "Russia", "struck", "Kharkiv", "on", "Sunday",
                                                    "."))
                                        for _ in range(20000))).encode(), "either"),
        ("Київ — пряма трансляція ✓.txt", en, "ingest"),
        ("..hidden .txt", html, "ingest"),
        ("-rf --db x.txt", en, "ingest"),
        ("name\u202egnp.txt", fr, "ingest"),
        ("syndicated-footer-only.txt", b"* . *\n\nSource link : https://x.example\n\nPublish date : 2024-13-45\n",
         "reject"),
    ]
    if big:
        words = ("Kyiv", "said", "Russia", "struck", "Kharkiv", "Pokrovsk", "on", "Sunday", ".", "the", "army")
        line = " ".join(rng.choice(words) for _ in range(50 * 2**20 // 6))
        cases.append(("50MB one line.txt", line.encode()[: 50 * 2**20], "either"))
        cases.append(("100000 updates.txt", "\n".join(
            f"{h:02d}:{m:02d}\nHeadline {i}\nRussia says it struck {PLACES[i % len(PLACES)]}." for i in range(100000)
            for h, m in [divmod((1439 - i) % 1440, 60)]).encode(), "either"))
    return cases


def mutate(rng: random.Random, data: bytes, n: int | None = None) -> bytes:
    """A random byte-level mutation of a file: deletions, insertions, duplications, splices of hostile bits."""
    b = bytearray(data)
    bits = [b"\x00", b"\xff\xfe", "é".encode()[:1], "\u202e".encode(), b"\r", b"\n\n\n\n", b"<div>" * 20, b"</p>",
            b"Publish date : 2024-13-45", b"Source link : ", b"\n23:59\n", "Kourakhové".encode(), b"Kharkiv" * 50]
    for _ in range(n or rng.randint(1, 12)):
        i = rng.randint(0, len(b))
        op = rng.random()
        if op < 0.3 and b:
            del b[i : i + rng.randint(1, 64)]
        elif op < 0.55:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op < 0.75 and b:
            j = rng.randrange(len(b))
            b[i:i] = b[j : j + rng.randint(1, 300)]
        else:
            b[i:i] = rng.choice(bits)
    return bytes(b)


def write_files(folder: Path, files) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data, *_ in files:
        p = folder / name
        p.write_bytes(data)
        paths.append(p)
    return paths


def events_by_file(db) -> dict[str, list[tuple]]:
    """The events of each file, as comparable tuples (everything but the id, which hashes the file's key)."""
    df = store.load_events(db, corrected=False)
    out: dict[str, list[tuple]] = {}
    for row in df.drop(columns=["event_id"]).to_dict("records"):
        out.setdefault(row["file"], []).append(tuple(str(v) for v in row.values()))
    return {f: sorted(v) for f, v in out.items()}
