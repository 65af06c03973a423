"""Claims: which sentences carry an attributed claim, who makes it, of which kind, about which day.

Three steps, each testable alone (after BBC Citron's cue → source → content): find the attribution cue
(reporting verb, "selon"/"according to"), find its speaker (an actor mention before or after the cue, or
the previous speaker for "Il a ajouté" / "the ministry said"), then type and date the sentence.
All language knowledge is in lexicons/actors.tsv and lexicons/claim_cues_<lang>.tsv.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from liveblog.dates import LEXICONS, alternation, date_hits, date_in, fold, read_tsv, with_precision
from liveblog.figures import extract_figures
from liveblog.records import ACTORS, Claim, Sentence

SPEAKER_KINDS = frozenset({"person", "name", "metonym", "body", "role"})
PERSON_KINDS = frozenset({"person", "role"})
# Order matters where two types' cues start at the same word: the more specific type first
# ("aide humanitaire" is humanitarian before "aide" is diplomatic).
TYPE_CUES = ("humanitarian", "arrest", "casualties", "territorial", "strike", "diplomatic", "denial", "statement")
# Types that name an event that happened: their cues do not count when the event is only foreseen, threatened
# or feared ("could launch an offensive"), or named again by a demonstrative ("ces frappes").
EVENT_TYPES = frozenset({"territorial", "strike", "casualties", "arrest"})
# When the earliest cue is of the key type, a later cue of these types is the sentence's point instead: a strike
# reported with its toll is about the toll (the devset gold labels "a bomb hit a building, wounding six" so), and a
# strike named in an espionage case is what the suspect helped with ("filmed a strike for a Russian handler").
_TAKES_OVER = {"strike": ("arrest", "casualties")}
# How far before a type cue a modal or a demonstrative is looked for (the cue's own clause, at most).
HYPOTHETICAL_WINDOW = 60
DEMONSTRATIVE_WINDOW = 30

# Windows (in characters) around a cue in which its speaker is looked for.
BEFORE_WINDOW = 150  # subject before the verb
PERSON_WINDOW = 100  # a person this close before the verb beats a nearer body ("X, chief of Russia's staff, said")
AFTER_WINDOW = 80  # inverted clause: ", a déclaré le ministère", "…,” said X"
QUALIFIER_WINDOW = 60  # words that say whose office a role is ("gouverneur installé par Moscou")
ACT_WINDOW = 30  # an official act's subject: "Brussels on Tuesday adopted"
ACT_SUBJECT_KINDS = frozenset({"metonym", "name", "body"})  # institutions, not people or pronouns
_QUOTE_END = ",»”\"“’:;)—–"
_NAME_AFTER_ROLE = re.compile(r"^(?:\s*,)?\s+((?:[A-ZÀ-Ý][\w'’-]+\s+){1,2}[A-ZÀ-Ý][\w'’-]+)")
_PLACE_BEFORE_ROLE = re.compile(r"(?<![.!?]\s)\b([A-ZÀ-Ý][\w'’-]+)\s+$")
_PLACE_AFTER_ROLE = re.compile(
    r"^\s+(?:de|du|d['’]|of)\s*(?:la\s+(?:ville|région)\s+(?:de|d['’])\s*|the\s+)?[A-ZÀ-Ý][\w'’-]+"
)
_NATO_WORDS = re.compile(r"(?<!\w)(?:otan|nato|alliance)(?!\w)", re.IGNORECASE)


# ---------------------------------------------------------------- actors


@dataclass(frozen=True)
class ActorEntry:
    kind: str  # person | name | metonym | body | role | region | installed | nation
    actor: str  # one of ACTORS, "EU/NATO"-style alternatives, or "-" (roles that need a qualifier)
    detail: str
    surface: str


class Mention(NamedTuple):  # a tuple: an update makes dozens, and a frozen dataclass is slow to build
    start: int
    end: int
    entry: ActorEntry

    @property
    def person(self) -> bool:
        return self.entry.kind in PERSON_KINDS


def _expand_rows(lang: str) -> list[ActorEntry]:
    """Every (surface, entry) of actors.tsv for one language, body templates expanded with nations."""
    rows = [r for r in read_tsv(LEXICONS / "actors.tsv") if r[1] in (lang, "*")]
    nations = [(s, r[3], r[4]) for r in rows if r[0] == "nation" for s in r[2].split("|")]
    entries = []
    for kind, _lang, surfaces, actor, detail in rows:
        for surface in surfaces.split("|"):
            if kind == "body":
                for nat_surface, nat_actor, nat_detail in nations:
                    entries.append(
                        ActorEntry(
                            kind,
                            nat_actor if actor == "*" else actor,
                            detail.replace("{nat}", nat_detail),
                            surface.replace("{nat}", nat_surface),
                        )
                    )
            else:
                entries.append(ActorEntry(kind, actor, detail, surface))
    return entries


class ActorLexicon:
    """All actor surfaces of one language in one Aho-Corasick automaton over folded text."""

    def __init__(self, entries: list[ActorEntry]):
        self.automaton = ahocorasick.Automaton()
        by_key: dict[str, list[ActorEntry]] = {}
        for entry in entries:
            by_key.setdefault(" ".join(fold(entry.surface).split()), []).append(entry)
        for key, group in by_key.items():
            group.sort(key=lambda e: _KIND_RANK.get(e.kind, 9))
            self.automaton.add_word(key, (len(key), tuple((e, e.surface.isupper()) for e in group)))
        self.automaton.make_automaton()

    def mentions(self, text: str, folded: str | None = None) -> list[Mention]:
        """Longest non-overlapping actor mentions at word boundaries, in text order."""
        folded = fold(text) if folded is None else folded
        n = len(folded)
        found = []
        # iter_long: leftmost-longest, non-overlapping (the longer "ministère russe de la Défense" wins).
        for end_index, (length, group) in self.automaton.iter_long(folded):
            end = end_index + 1
            start = end - length
            if (start and folded[start - 1].isalnum()) or (end < n and folded[end].isalnum()):
                continue
            for entry, capitals in group:  # kinds in _KIND_RANK order: the speaker reading of "Russia" first
                # Capitals-only surfaces (UN, EU, US, SBU) must not match the words "un", "us".
                if capitals and text[start:end] != entry.surface:
                    continue
                found.append(Mention(start, end, entry))
                break
        return found


# When one surface is several kinds ("Russia": metonym and nation), the speaker kinds come first.
_KIND_RANK = {"person": 0, "name": 1, "body": 2, "role": 3, "metonym": 4, "region": 5, "installed": 6, "nation": 7}


@lru_cache(maxsize=None)
def actor_lexicon(lang: str) -> ActorLexicon:
    return ActorLexicon(_expand_rows(lang))


# ---------------------------------------------------------------- cues


# Kinds of claim_cues rows found by one Aho-Corasick scan of the update, and how their matches compete:
# within a group the leftmost-longest match wins (as in a regex alternation, but in C and in one pass).
_SCANNED_GROUPS = {"source": "cue", "verb": "cue", "verb_object": "cue", "act": "cue", "mask": "mask",
                   "denial": "denial", "type_mask": "type_mask", "hypothetical": "hypothetical"}
_SCANNED_GROUPS.update({t: "type" for t in TYPE_CUES if t != "denial"})


class TermIndex:
    """Lexicon surfaces (folded; a final * matches any word ending) found at word boundaries in one pass."""

    def __init__(self, terms: list[tuple[str, str]]):  # (kind, surface)
        table: dict[str, set[tuple[str, bool]]] = {}
        for kind, surface in terms:
            key = " ".join(fold(surface).split())
            stem = key.endswith("*") and len(key) > 1
            table.setdefault(key.rstrip("*") if stem else key, set()).add((kind, stem))
        self.automaton = ahocorasick.Automaton()
        for key, kinds in table.items():
            entries = tuple((kind, stem, _SCANNED_GROUPS[kind]) for kind, stem in sorted(kinds))
            self.automaton.add_word(key, (len(key), entries))
        self.automaton.make_automaton()

    def find(self, folded: str) -> dict[str, list[tuple[str, int, int]]]:
        """group → [(kind, start, end)], leftmost-longest and non-overlapping within each group."""
        n = len(folded)
        found: dict[str, list[tuple[int, int, str]]] = {}
        for end_index, (length, kinds) in self.automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if start and folded[start - 1].isalnum():
                continue
            for kind, stem, group in kinds:
                stop = end
                if stem:
                    while stop < n and folded[stop].isalnum():
                        stop += 1
                elif stop < n and folded[stop].isalnum():
                    continue
                hits = found.get(group)
                if hits is None:
                    hits = found[group] = []
                hits.append((start, -stop, kind))
        out = {}
        for group, hits in found.items():
            hits.sort()
            kept, last = [], -1
            for start, neg_stop, kind in hits:
                if start >= last:
                    kept.append((kind, start, -neg_stop))
                    last = -neg_stop
            out[group] = kept
        return out


@dataclass(frozen=True)
class CueLexicon:
    index: TermIndex  # reporting cues, masks, type cues, denials
    negation: re.Pattern
    source_initial: re.Pattern  # "Pour l'ISW, …": a source only when it opens the sentence
    pronoun_before: re.Pattern  # "Il a " / "he " / "a-t-il " right before a verb
    auxiliary_tail: re.Pattern  # "a ", "ont " right before a participle
    pronoun_after: re.Pattern  # "-t-il" right after a verb ("affirme-t-il")
    object_after: re.Pattern  # "lui" right after "selon"
    anaphor: re.Pattern
    preposition_before: re.Pattern  # a preposition ending the text before a capital's name
    speaker_end: re.Pattern  # what may follow a speaker named after its verb (", a déclaré le ministère dans …")
    complementizer: re.Pattern
    others_denial: re.Pattern  # "ce que … dément": a denial reported in passing, not the speaker's
    outlet_self: re.Pattern  # "nos journalistes ont constaté", "our correspondent saw": the outlet speaks itself
    demonstrative: re.Pattern  # right before an event cue, "ces ", "these Russian ": an event already reported
    topic_anaphor: re.Pattern  # "the idea", "l'homme": a sentence about the previous claim's topic
    quote_first: re.Pattern  # a sentence that opens with a quotation closed right before its attribution


def _words(kind_rows: dict[str, list[str]], kind: str) -> str:
    return alternation(kind_rows.get(kind, []))


@lru_cache(maxsize=None)
def cue_lexicon(lang: str) -> CueLexicon | None:
    path = LEXICONS / f"claim_cues_{lang}.tsv"
    if not path.exists():
        return None
    rows: dict[str, list[str]] = {}
    for row in read_tsv(path):
        rows.setdefault(row[0], []).append(row[1])
    word = lambda kind: re.compile(rf"(?<!\w){_words(rows, kind)}(?!\w)")  # noqa: E731
    pron, aux = _words(rows, "pronoun"), _words(rows, "auxiliary")
    return CueLexicon(
        index=TermIndex([(kind, surface) for kind in _SCANNED_GROUPS for surface in rows.get(kind, [])]),
        negation=word("negation"),
        source_initial=re.compile(rf"\s*{_words(rows, 'source_initial')}(?!\w)"),  # used with match(pos)
        pronoun_before=re.compile(rf"(?:(?<!\w){pron}(?:\s+n')?(?:\s+{aux}){{0,3}}|(?<!\s)\w+-(?:t-)?{pron})\s+$"),
        auxiliary_tail=re.compile(rf"(?<!\w){aux}(?:\s+{aux})*\s*$"),
        pronoun_after=re.compile(rf"^(?:-t)?-{pron}(?!\w)"),
        object_after=re.compile(rf"^\s+{_words(rows, 'object_pronoun')}(?!\w)"),
        anaphor=word("anaphor"),
        preposition_before=re.compile(rf"(?<!\w){_words(rows, 'preposition')}\s*$"),
        speaker_end=re.compile(
            rf"\s*(?:[.,;:!?»”\"()\[—–-]|$|(?:{_words(rows, 'preposition')}|{_words(rows, 'after_speaker')})(?!\w))"
        ),
        complementizer=word("complementizer"),
        others_denial=word("others_denial"),
        outlet_self=word("outlet_self"),
        # At most one word between, not a time noun ("this morning shelling" is dated, not referred back to).
        demonstrative=re.compile(
            rf"(?<!\w){_words(rows, 'demonstrative')}\s+(?:(?!{_words(rows, 'period')}(?!\w))[\w'-]+\s+)?$"
        ),
        topic_anaphor=word("topic_anaphor"),
        # On folded text (’ and ‘ are '); used with match(pos, endpos), so no ^.
        quote_first=re.compile(r"\s*[«“\"'„][^«“\"]*[»”\"']\s*,?\s*(?:[\w'-]+\s+){0,3}$"),
    )


# ---------------------------------------------------------------- speakers


class Speaker(NamedTuple):  # tuples, like Mention: one or two per claim
    actor: str
    detail: str
    continuation: bool  # the previous speaker again (pronoun, anaphor)
    span: tuple[int, int]  # cue + speaker, relative to the sentence: ignored when typing the claim
    surface: str = ""  # the mention as written, folded: what an anaphor ("the ministry") matches
    person: bool = False


class _Previous(NamedTuple):
    actor: str
    detail: str
    event_date: date | None
    precision: str
    type: str
    surface: str = ""
    sentence_end: int = -1


def _is_speaker(m: Mention, folded: str, cues: CueLexicon) -> bool:
    if m.entry.kind not in SPEAKER_KINDS:
        return False
    if m.entry.kind == "metonym":  # "frappe sur Kiev", "in Moscow": a place, not a claimant
        return not cues.preposition_before.search(folded[max(0, m.start - 20):m.start])
    return True


def _choose_actor(actor: str, update_text: str) -> str:
    """Resolve "EU/NATO"-style alternatives by what the update names."""
    if "/" not in actor:
        return actor
    options = actor.split("/")
    if "NATO" in options and _NATO_WORDS.search(update_text):
        return "NATO"
    return options[0]


def _role_speaker(role: Mention, mentions: list[Mention], text: str) -> tuple[str, str] | None:
    """Whose office a role is, and who holds it: qualifiers near it, else the role's default actor."""
    actor, qualifier, org = None, "", None
    for m in mentions:
        if m is role or m.end < role.start - 30 or m.start > role.end + QUALIFIER_WINDOW:
            continue
        kind = m.entry.kind
        if kind == "installed":
            actor, qualifier = m.entry.actor, m.entry.detail + " "
        elif kind == "region" and actor is None:
            actor, org = m.entry.actor, m.entry.detail
        elif kind in ("name", "body", "nation", "metonym") and actor is None:
            actor, org = m.entry.actor, m.entry.detail
    if actor is None and role.entry.actor != "-":
        actor = role.entry.actor
    if actor is None:
        return None
    name = _NAME_AFTER_ROLE.match(text[role.end:role.end + 60])
    office = f"{qualifier}{role.entry.detail}" + (f", {org}" if org else "")
    if name:
        return actor, f"{name.group(1)} ({office})"
    # No holder named: the office as written, with the place it serves ("Sumy regional administration").
    written = text[role.start:role.end]
    if before := _PLACE_BEFORE_ROLE.search(text[max(0, role.start - 30):role.start]):
        written = f"{before.group(1)} {written}"
    elif after := _PLACE_AFTER_ROLE.match(text[role.end:role.end + 40]):
        written = f"{written} {after.group(0).strip()}"
    return actor, f"{qualifier}{written}"


def _pick(cands: list[Mention], nearest_last: bool, person_from: int | None = None) -> Mention | None:
    if not cands:
        return None
    ordered = cands[::-1] if nearest_last else cands
    people = [m for m in ordered if m.entry.kind == "person" and (person_from is None or m.end >= person_from)]
    if people:
        return people[0]
    return ordered[0]


def _resolve(m: Mention, mentions: list[Mention], text: str) -> tuple[str, str] | None:
    """(actor, detail) of a speaker mention; text is the whole update (roles and EU/NATO look around)."""
    if m.entry.kind == "role":
        return _role_speaker(m, mentions, text)
    return _choose_actor(m.entry.actor, text), m.entry.detail


@dataclass(frozen=True)
class _Scan:
    """One update, scanned once: folded text, non-statements blanked, cue / type hits and actor mentions.

    The *_starts lists hold where each hit or mention starts, so that a sentence finds its own by bisection.
    """

    text: str
    folded: str
    masked: str
    cues: list[tuple[str, int, int]]  # (source | verb | verb_object, start, end), absolute offsets
    types: list[tuple[str, int, int]]
    denials: list[int]
    # "pourraient", "will", "threatened": what follows in the clause has not happened; (kind, start, end),
    # found in the same pass as the cues, ordered by end
    foresight: list[tuple[str, int, int]]
    mentions: list[Mention]
    cue_lex: CueLexicon
    cue_starts: list[int]
    type_starts: list[int]
    mention_starts: list[int]

    @classmethod
    def of(cls, text: str, lang: str, cues: CueLexicon) -> "_Scan":
        folded = fold(text)
        found = cues.index.find(folded)
        masks = found.get("mask", [])
        masked = folded
        for _kind, start, end in masks:  # blank non-statements so that no later check reads them
            masked = masked[:start] + " " * (end - start) + masked[end:]

        def unmasked(group: str, masks=masks) -> list[tuple[str, int, int]]:
            hits = found.get(group, [])
            if not masks:
                return hits
            return [h for h in hits if not any(m[1] < h[2] and h[1] < m[2] for m in masks)]

        cue_hits = unmasked("cue")
        # type_mask: phrases where a type word names no event ("pris feu" aside, "decision taken", "in the fighting").
        type_hits = unmasked("type", masks + found.get("type_mask", []))
        mentions = actor_lexicon(lang).mentions(text, folded)
        return cls(
            text,
            folded,
            masked,
            cue_hits,
            type_hits,
            [h[1] for h in unmasked("denial")],
            found.get("hypothetical", []),  # non-overlapping, so ordered by end too
            mentions,
            cues,
            [h[1] for h in cue_hits],
            [h[1] for h in type_hits],
            [m.start for m in mentions],
        )


def _within(hits: list[tuple[str, int, int]], starts: list[int], s0: int, s1: int) -> list[tuple[str, int, int]]:
    """The hits inside [s0, s1); hits do not overlap and come in text order, starts[i] = hits[i] start."""
    out = []
    for hit in hits[bisect_left(starts, s0):]:
        if hit[1] >= s1:
            break
        if hit[2] <= s1:
            out.append(hit)
    return out


def find_speaker(scan: _Scan, sentence: Sentence, cues: CueLexicon, history: list[_Previous]) -> Speaker | None:
    """The speaker of the sentence's first attribution cue that has one, or None when it has none.

    history: the update's earlier claims, oldest first; pronouns and anaphors refer back to them.
    """
    s0, s1 = sentence.start, sentence.end
    cue_hits = [(kind, cs - s0, ce - s0) for kind, cs, ce in _within(scan.cues, scan.cue_starts, s0, s1)]
    if initial := cues.source_initial.match(scan.masked, s0, s1):
        cue_hits.insert(0, ("source", initial.start() - s0, initial.end() - s0))
    if not cue_hits:
        return None
    sent = scan.masked[s0:s1]
    mentions = scan.mentions
    lo, hi = bisect_left(scan.mention_starts, s0), bisect_left(scan.mention_starts, s1)
    speakers = [m for m in mentions[lo:hi] if m.end <= s1 and _is_speaker(m, scan.folded, cues)]
    for kind, cs, ce in cue_hits:
        if kind != "source" and _negated(sent[max(0, cs - 30):cs], cues):
            continue
        found = _speaker_for_cue(kind, cs, ce, scan.text, sent, s0, speakers, mentions, cues, history)
        if found is not None:
            return found
    return None


_CLAUSE_BREAK = re.compile(r"[,;:«»“”\"()]")


def _negated(before: str, cues: CueLexicon) -> bool:
    """A negation in the cue's own clause: "has never acknowledged", "n'a jamais reconnu"."""
    parts = _CLAUSE_BREAK.split(before)
    return bool(cues.negation.search(parts[-1]))


def _speaker_for_cue(kind, cs, ce, text, sent, s0, speakers, mentions, cues, history) -> Speaker | None:
    def made(m: Mention, lo: int, hi: int) -> Speaker | None:
        resolved = _resolve(m, mentions, text)
        if resolved is None:
            return None
        span = (min(lo, m.start - s0), max(hi, m.end - s0))
        return Speaker(resolved[0], resolved[1], False, span, sent[m.start - s0:m.end - s0], m.person)

    def again(lo: int, hi: int, anaphor: re.Match | None = None) -> Speaker | None:
        """The last speaker, or for "the ministry" the last speaker named with "ministry"."""
        if not history:
            return None
        chosen = history[-1]
        if anaphor is not None:
            head = anaphor.group().split()[-1].split("'")[-1]
            chosen = next((h for h in reversed(history) if head in h.surface), chosen)
        return Speaker(chosen.actor, chosen.detail, True, (lo, hi), chosen.surface)

    if kind == "act":
        # An official act ("Brussels on Tuesday adopted sanctions") is a claim of the institution that is its
        # subject, right before it; no pronoun, person or later name stands in.
        subject = [
            m for m in speakers
            if m.entry.kind in ACT_SUBJECT_KINDS
            and 0 <= cs - (m.end - s0) <= ACT_WINDOW
            and not _CLAUSE_BREAK.search(sent, m.end - s0, cs)
        ]
        return made(subject[-1], cs, ce) if subject else None
    after_text = sent[ce:]
    if (cues.object_after if kind == "source" else cues.pronoun_after).match(after_text):
        return again(cs, ce)
    # The speaker after the cue stops at the clause it introduces ("a affirmé que …", "said that …").
    stop = cues.complementizer.search(sent, ce, ce + AFTER_WINDOW)
    after_end = stop.start() if stop else min(len(sent), ce + AFTER_WINDOW)
    after = [m for m in speakers if ce <= m.start - s0 < after_end]
    if kind == "source":
        m = _pick(after, nearest_last=False)
        if m is not None and (found := made(m, cs, ce)):
            return found
        if anaphor := cues.anaphor.search(sent, ce, after_end):
            return again(cs, ce, anaphor)
        return None
    before_text = sent[:cs]
    if cues.pronoun_before.search(before_text[-40:]):
        return again(cs, ce)
    before = [m for m in speakers if cs - BEFORE_WINDOW <= m.end - s0 <= cs]
    stripped = cues.auxiliary_tail.sub("", before_text).rstrip()
    inverted = bool(stripped) and stripped[-1] in _QUOTE_END
    # "Le gouverneur …, Alexandre Bogomaz, a affirmé": a mention right before the comma is the subject.
    apposition = (
        inverted
        and stripped[-1] == ","
        and bool(before)
        and before[-1].end - s0 >= len(stripped) - 2
        and not _CLAUSE_BREAK.split(sent[: before[-1].start - s0])[-1].strip()
    )
    if inverted and not apposition and kind != "verb_object":
        # "…, said the ministry." / "…, a déclaré le ministère dans un communiqué": the speaker closes the
        # clause; "…, said Ukrainian troops were …" is a reported subject, not a speaker.
        after = [
            m
            for m in after
            if cues.speaker_end.match(sent, m.end - s0)
            or (m.entry.kind == "role" and _NAME_AFTER_ROLE.match(text[m.end:m.end + 60]))
        ]
        m = _pick(after, nearest_last=False)
        if m is not None and (found := made(m, cs, ce)):
            return found
        if anaphor := cues.anaphor.search(sent, ce, after_end):
            return again(cs, ce, anaphor)
    m = _pick(before, nearest_last=True, person_from=s0 + cs - PERSON_WINDOW)
    if m is not None and (found := made(m, cs, ce)):
        return found
    if not inverted:  # "…, said X" with no comma before the cue is rare but exists ("said Oleksandr Lyman")
        m = _pick(after, nearest_last=False)
        if m is not None and m.start - s0 - ce <= 3 and (found := made(m, cs, ce)):
            return found
    anaphor = cues.anaphor.search(sent, max(0, cs - 40), cs) or cues.anaphor.search(sent, ce, after_end)
    if anaphor:
        return again(cs, ce, anaphor)
    return None


# ---------------------------------------------------------------- type


def _foreseen(scan: _Scan, s0: int, start: int) -> bool:
    """An event cue that is only foreseen, threatened or referred back to, in the cue's own clause.

    "Russia could launch an offensive", "les forces pourraient tenter d'avancer", "threatened strikes",
    "aucune justification à ces frappes": the sentence does not report that event.
    """
    lex = scan.cue_lex
    if lex.demonstrative.search(scan.masked, max(s0, start - DEMONSTRATIVE_WINDOW), start):
        return True
    hits = scan.foresight
    if not hits:
        return False
    i = bisect_left(hits, max(s0, start - HYPOTHETICAL_WINDOW), key=lambda h: h[2])
    while i < len(hits) and hits[i][2] <= start:
        if not _CLAUSE_BREAK.search(scan.masked, hits[i][2], start):
            return True
        i += 1
    return False


def _claim_type(scan: _Scan, s0: int, s1: int, skip: tuple[int, int], fallback: str) -> str:
    """The main point of the sentence: a denial anywhere, else the earliest type cue outside the attribution."""
    # A denial anywhere (it is often the reporting verb itself), unless it is someone else's denial
    # reported in passing ("…, ce que Kiev dément", "…, which Moscow denies").
    for start in scan.denials[bisect_left(scan.denials, s0):]:
        if start >= s1:
            break
        if not scan.cue_lex.others_denial.search(scan.masked, max(s0, start - 25), start):
            return "denial"
    lo, hi = skip[0] + s0, skip[1] + s0
    end = s1
    # "« … », a-t-il écrit, appelant les alliés à accentuer la pression": a sentence that opens with a quotation
    # attributed right after it is about the quotation; what follows the attribution is an aside.
    # An aside, not a new clause: "…, adding that three people were killed" still counts.
    lex = scan.cue_lex
    if (s0 < lo < hi and lex.quote_first.match(scan.masked, s0, lo)
            and not lex.complementizer.search(scan.masked, hi, s1)):
        end = hi
    first: dict[str, tuple[int, int]] = {}
    for name, start, stop in _within(scan.types, scan.type_starts, s0, end):
        if lo <= start < hi or name in first:
            continue
        if name in EVENT_TYPES and _foreseen(scan, s0, start):
            continue
        first[name] = (start, start - stop)
    if not first:
        return fallback
    best = min(first, key=lambda name: first[name])
    for other in _TAKES_OVER.get(best, ()):
        if other in first:
            return other
    return best


def claim_type(sentence: str, lang: str, fallback: str = "statement") -> str:
    """The claim type of one sentence on its own (no attribution span skipped)."""
    cues = cue_lexicon(lang)
    if cues is None:
        return fallback
    return _claim_type(_Scan.of(sentence, lang, cues), 0, len(sentence), (0, 0), fallback)


# ---------------------------------------------------------------- claims


def _body_sentences(sentences: list[Sentence], headline: str, text: str) -> list[Sentence]:
    """Sentences outside the headline (gold never annotates headlines), trimmed where they overlap it."""
    cut = len(headline) if headline and text.startswith(headline) else 0
    out = []
    for s in sentences:
        if s.end <= cut:
            continue
        if s.start < cut:
            start = cut
            while start < s.end and text[start].isspace():
                start += 1
            if start >= s.end:
                continue
            s = Sentence(start, s.end, text[start:s.end])
        out.append(s)
    return out


def _figures(scan: _Scan, sentence: Sentence, lang: str) -> dict:
    """extract_figures of the sentence, fed the update's folded text cut to it rather than folding it again.

    The cut is fold(sentence) unless a capital sigma is in it: lower() reads Σ by its context (final ς).
    """
    s0, s1 = sentence.start, sentence.end
    folded = scan.folded[s0:s1] if "Σ" not in sentence.text and scan.text[s0:s1] == sentence.text else None
    return extract_figures(sentence.text, lang, folded)


def _adjacent(text: str, previous: _Previous, sentence: Sentence) -> bool:
    """The previous claim's sentence ends right before this one (only spaces between)."""
    return previous.sentence_end >= 0 and not text[previous.sentence_end:sentence.start].strip()


def extract_claims(
    text: str,
    sentences: list[Sentence],
    *,
    lang: str,
    outlet: str | None,
    published: datetime | None,
    headline: str = "",
    unattributed: bool = False,
) -> list[Claim]:
    """One Claim per claim-bearing sentence of an update (offsets into text), places left empty.

    unattributed=True also returns the sentences with no claimant that the outlet reports itself: actor "Other"
    with the outlet as detail when the outlet speaks as itself ("nos journalistes ont constaté", "our
    correspondent saw", or its name in the sentence), else actor "reported" (detail: the outlet) when the
    sentence reports an event (it has a type cue: "Un drone a frappé un dépôt"); other sentences (background,
    narration without an event) give nothing. The gold annotates neither, so scores count attributed claims.
    """
    cues = cue_lexicon(lang)
    if cues is None or not text:
        return []
    scan = _Scan.of(text, lang, cues)
    dates = date_hits(scan.folded, lang)
    history: list[_Previous] = []
    if headline and text.startswith(headline):  # "…, dit l'Otan": the headline's speaker starts the chain
        speaker = find_speaker(scan, Sentence(0, len(headline), headline), cues, [])
        if speaker is not None:
            when, precision = with_precision(date_in(dates, 0, len(headline), lang, published), published)
            history.append(_Previous(speaker.actor, speaker.detail, when, precision, "statement", speaker.surface))
    claims = []
    outlet_folded = fold(outlet) if outlet and len(outlet) > 2 else None
    for sentence in _body_sentences(sentences, headline, text):
        s0, s1 = sentence.start, sentence.end
        speaker = find_speaker(scan, sentence, cues, history)
        if speaker is None:
            if unattributed:
                own = bool(cues.outlet_self.search(scan.masked, s0, s1)) or bool(
                    outlet_folded and outlet_folded in scan.folded[s0:s1])
                kind = _claim_type(scan, s0, s1, (0, 0), "statement" if own else "")
                if kind:
                    when, precision = with_precision(date_in(dates, s0, s1, lang, published), published)
                    claims.append(Claim(sentence.text, s0, s1, "Other" if own else "reported", outlet or "", kind,
                                        when, precision, figures=_figures(scan, sentence, lang)))
            continue
        previous = history[-1] if history else None
        same = speaker.continuation or (previous is not None and previous.detail == speaker.detail)
        # Rule 3 of the dating conventions: a statement continued in the next sentence keeps its date,
        # also when the same body is named more precisely ("Ukraine's military" → "the Khortytsia group");
        # a person named anew is a new speaker.
        adjacent = (
            previous is not None
            and not speaker.person
            and previous.actor == speaker.actor
            and _adjacent(text, previous, sentence)
        )
        # A sentence with no type cue of its own is a statement ("« Nous allons nous reposer », a-t-il dit"), also
        # when it continues a typed claim; one about the previous claim's topic ("Moscow has rejected the idea",
        # "L'homme photographiait les gares") has that claim's type.
        kind = _claim_type(scan, s0, s1, speaker.span, "")
        if not kind:
            about_previous = previous is not None and cues.topic_anaphor.search(scan.masked, s0, s1)
            kind = previous.type if about_previous else "statement"
        when, precision = with_precision(date_in(dates, s0, s1, lang, published), published)
        if precision == "inferred" and (same or adjacent) and previous is not None and previous.event_date:
            when, precision = previous.event_date, previous.precision
        actor = speaker.actor if speaker.actor in ACTORS else "Other"
        claims.append(Claim(sentence.text, s0, s1, actor, speaker.detail, kind, when, precision,
                            figures=_figures(scan, sentence, lang)))
        history.append(_Previous(actor, speaker.detail, when, precision, kind, speaker.surface, s1))
    return claims
