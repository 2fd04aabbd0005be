"""De-identification of field text for release to commercial: person names, institutions,
dates, e-mail addresses, phone numbers and personal identifiers are replaced by ``[name]``,
``[institution]``, ``[date]``, ``[email]``, ``[phone]`` and ``[id]``.

It runs before a medical lead checks the wording and releases it; ``remaining_identifiers``
is the check the release service runs on the wording the lead approves, so a release that still
names a person, an institution or a date is refused.

What is found, and how:

- **Known people and institutions** passed by the caller (KOL and user names, KOL affiliations):
  the full name in any case; the last name alone when written with a capital (at the start of
  a sentence only when it is not also a common English word, or when a title or a speech verb
  marks it as a name); an institution's full name in any case. Matched word by word against
  sets, so a hundred thousand known names cost no more than a few.
- **Titles**: "Dr", "Prof", "Mr", "Mrs", "Ms", "Nurse" ... with the capitalised names and
  initials that follow ("Dr Amelia J. Okafor").
- **Names told by context**: capitalised names after "according to", "her colleague", "his
  fellow", "spoke with", "met with" and the like, or before "said", "told", "mentioned" ...
- **Institutions**: capitalised names around a head word (University, Hospital, Clinic,
  Institute, Center/Centre, Medical School, Health System, Cancer Center, Foundation,
  Infirmary, College, NHS Trust ...) and well-known ones without one ("Mass General", "MD
  Anderson", "Karolinska").
- **Dates**: ISO and numeric dates, "14 March 2026", "March 14", "Mar 2026", month names with
  a cue ("in May"), weekdays ("last Tuesday"). "Yesterday", "last week" and bare years stay.
- **E-mail addresses, phone numbers** (9 to 15 digits) and **10-digit identifiers** (NPI-like).

Capitalised words with no such sign — drug names, trial names (KEYNOTE-189, CheckMate), medical
terms at the start of a sentence — are left alone. Where it is unsure it removes: a release
that says too little is corrected by the lead; one that names a person cannot be taken back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = "name"
INSTITUTION = "institution"
DATE = "date"
EMAIL = "email"
PHONE = "phone"
IDENTIFIER = "id"

# Which kind wins when two findings cover the same words: an institution named after a person
# ("Johns Hopkins Hospital") is an institution.
_PRECEDENCE = {EMAIL: 0, PHONE: 1, IDENTIFIER: 2, DATE: 3, INSTITUTION: 4, NAME: 5}

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
# A capitalised name, with the shapes surnames take: O'Neil, McDonald, Lindqvist-Berg.
_NAME_WORD = (
    rf"(?:(?:[{_UPPER}]['\u2019])?[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?"
    rf"(?:-[{_UPPER}][{_LOWER}]+)?|[{_UPPER}]\.)"
)
_PARTICLE = r"(?:van|von|de|der|den|da|di|del|della|le|la|du|bin|al|el|ter|ten)"
_TITLE = r"(?:Dr|Doctor|Prof|Professor|Mr|Mrs|Ms|Miss|Mx|Sr|Sister|Nurse|Dame|Sir)"
_FULL_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}}"

_TITLED = re.compile(rf"\b{_TITLE}\.?\s+(?:{_PARTICLE}\s+)*{_FULL_NAME}")
# Cues strong enough for a single capitalised word: "her colleague Amara".
_AFTER_STRONG_CUE = re.compile(
    rf"\b(?i:according to|colleague|colleagues|fellow|fellows|resident|nurse|registrar|mentor"
    rf"|boss|chair|head of department|spoke (?:to|with)|met with|cc:?)\s+(?P<name>{_FULL_NAME})"
)
# Weaker cues need two capitalised words: "per Maria Lindqvist", not "with Zentorix".
_AFTER_CUE = re.compile(
    rf"\b(?i:per|by|from|with|and|said|told|asked|called|emailed|thanked|introduced)\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,3}})"
)
_SPEECH = (
    r"said|says|told|tells|mentioned|noted|reported|asked|thinks|believes|explained|shared"
    r"|wrote|presented|agreed|added|suggested|felt|feels|called|emailed|confirmed|recommended"
    r"|prefers|uses|would"
)
_BEFORE_SPEECH = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,3}})(?:['\u2019]s)?\s+(?:{_SPEECH})\b"
)
_SPEECH_AFTER = re.compile(rf"\s+(?:{_SPEECH})\b")
_TITLE_BEFORE = re.compile(rf"\b{_TITLE}\.?\s+$")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Capitalised words that begin sentences or name things, never people: a context cue before
# them does not make them a name.
_NOT_NAMES = _word_set(
    """the a an our their her his its this that these those there here today yesterday
    tomorrow kol kols hcp msl medical affairs team board committee department grand rounds
    advisory congress meeting symposium webinar clinic hospital university institute center
    centre foundation trust health pharmacy nurse nurses fellow fellows resident residents
    doctor doctors patient patients phase trial study data label product brand
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday i we she he they it new journal
    lancet nejm annals society association guideline guidelines review"""
)
# Surnames that are also everyday words: alone at a sentence start they are taken as words.
_COMMON_WORDS = _word_set(
    """long young best little white black brown green gray grey may will hope rose case field
    park hall king strong wood stone bell bush ward page rich price cross early small short
    fair gold silver love good north south west east lane hill dale ford rice moss major
    mark marks bishop baker cook cooper turner walker miller mason hunter fisher foster
    carter parker porter taylor glass head hand day week summer winter spring march french
    english england scott wells banks chase swift sharp frank grant chance pope"""
)

_INSTITUTION_HEAD = (
    r"(?:University|Universit[éäà]|Universidad|Universität|Hospital|Hospitals|Clinic|Clinics"
    r"|Klinik|Klinikum|Institute|Institut|Center|Centre|Medical School|School of Medicine"
    r"|Health System|Health Network|Healthcare|Health Services|Health Partners|Cancer Center"
    r"|Cancer Centre|Medical Center|Medical Centre|Foundation|Infirmary|College|NHS Trust"
    r"|NHS Foundation Trust|Trust|Medical Group|Hospice|Polyclinic|Polyclinique)"
)
# A dot only inside a word ("M.D"): after the last word it ends the sentence.
_CAPITALISED = rf"(?:St\.?|Saint|[{_UPPER}](?:[\w'\u2019&-]|\.(?=\w))*)"
_INSTITUTION_PATTERN = re.compile(
    rf"(?:{_CAPITALISED}\s+){{0,5}}{_INSTITUTION_HEAD}"
    # what follows the head word: "of Michigan", "for Sick Children", "Sírio-Libanês"
    rf"(?:\s+(?:(?:of|for|and|&|de|di|del|at)\s+(?:the\s+)?)?{_CAPITALISED}"
    rf"(?:\s+{_CAPITALISED}){{0,3}})?"
)
_STARTERS = _word_set(
    """the a an at in on from with to our their her his its this that kol kols met visited
    yesterday today tomorrow last next since until by for of and or but after before during
    dr prof mr mrs ms per via both"""
)
# Well-known institutions whose names carry no head word.
_FAMOUS_INSTITUTIONS = (
    "Mass General",
    "Massachusetts General",
    "MD Anderson",
    "M.D. Anderson",
    "Johns Hopkins",
    "Memorial Sloan Kettering",
    "Sloan Kettering",
    "Sloan-Kettering",
    "Dana-Farber",
    "Dana Farber",
    "Cedars-Sinai",
    "Mount Sinai",
    "Mayo",
    "Karolinska",
    "Charité",
    "Royal Marsden",
    "Gustave Roussy",
    "Institut Curie",
    "Kaiser Permanente",
    "NYU Langone",
    "Penn Medicine",
    "Vall d'Hebron",
    "Fred Hutch",
    "City of Hope",
    "Moffitt",
    "MGH",
    "MSKCC",
    "UCSF",
    "UCLA",
    "UPMC",
)
_FAMOUS = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(n) for n in sorted(_FAMOUS_INSTITUTIONS, key=len, reverse=True))
    + r")(?![\w-])"
)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    # an abbreviation's full stop, unless it ends the sentence
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.(?=\s*\d))?)"
)
_FULL_MONTH = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}(?P<separator>[/.-])\d{1,2}(?P=separator)(?:\d{4}|\d{2})"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?(?!\s*(?:mg|%|patients|weeks|days|months))"
    rf"|{_MONTH}\s+\d{{4}}"
    rf"|(?:(?:early|late|mid|in|since|until|till|from|by|last|next|this|before|after|during)[\s-])"
    rf"{_MONTH}(?:\s+{_DAY})?(?:,?\s+\d{{4}})?"
    rf"|{_FULL_MONTH}"
    r"|(?:(?:last|next|this|on|every|since|until|by)\s+)?(?:Monday|Tuesday|Wednesday|Thursday"
    r"|Friday|Saturday|Sunday)s?"
    r")(?![\w/])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w/.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}"
    r"(?:\s*(?:ext\.?|x)\s*\d{1,5})?(?![\w/]|,\d)"
)
_PHONE_DIGITS = (9, 15)
_IDENTIFIER = re.compile(
    r"(?<![\d-])\d{10}(?![\d-])|\b(?:NPI|MRN|DEA)\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9-]{5,}\b"
)
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")

# Longest known-name or institution phrase looked for, in words.
_MAX_PHRASE = 8


@dataclass(frozen=True)
class Deidentified:
    """The text with identifiers replaced, and what was removed (kind, original) in the order
    it appeared."""

    text: str
    removed: list[tuple[str, str]]


@dataclass(frozen=True)
class _Finding:
    start: int
    end: int
    kind: str


# Dots, commas and brackets are not part of a name: "J." is "j", "M.D." is "md".
_PUNCTUATION = str.maketrans("", "", ".,;:()")


def _word(token: str) -> str:
    """A word as names are compared: lower case, without punctuation or a possessive."""
    return token.lower().translate(_PUNCTUATION).removesuffix("'s").removesuffix("\u2019s")


def _phrase(phrase: str) -> tuple[str, ...]:
    """A known name or institution as words, the way ``_word`` reads them; string methods
    only, since a caller may pass a hundred thousand names."""
    words = phrase.lower().translate(_PUNCTUATION).split()
    if "'" in phrase or "\u2019" in phrase:
        words = [w.removesuffix("'s").removesuffix("\u2019s") for w in words]
    return tuple(w for w in words if w)


class _Known:
    """The caller's people and institutions, as sets of word sequences."""

    def __init__(self, names: Iterable[str], institutions: Iterable[str]) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        self.last_names: set[str] = set()
        for name in names:
            words = _phrase(name)
            if not words:
                continue
            self.phrases.setdefault(words, NAME)
            if len(words) > 2:  # "Amelia J. Okafor" is also written "Amelia Okafor"
                self.phrases.setdefault((words[0], words[-1]), NAME)
            if len(words[-1]) > 1:
                self.last_names.add(words[-1])
        for institution in institutions:
            words = _phrase(institution)
            if words:
                self.phrases[words] = INSTITUTION
        self.longest = min(_MAX_PHRASE, max((len(p) for p in self.phrases), default=0))


def _known_findings(text: str, known: _Known) -> list[_Finding]:
    tokens = list(_TOKEN.finditer(text))
    words = [_word(t.group(0)) for t in tokens]
    found: list[_Finding] = []
    i = 0
    while i < len(tokens):
        matched = False
        for size in range(min(known.longest, len(tokens) - i), 1, -1):
            key = tuple(words[i : i + size])
            kind = known.phrases.get(key)
            if kind:
                end = tokens[i + size - 1].end()
                found.append(_Finding(tokens[i].start(), _trim_possessive(text, end), kind))
                i += size
                matched = True
                break
        if matched:
            continue
        token = tokens[i]
        single = (words[i],)
        if known.phrases.get(single) == INSTITUTION or (
            words[i] in known.last_names and _is_name_use(text, token)
        ):
            kind = known.phrases.get(single, NAME)
            found.append(_Finding(token.start(), _trim_possessive(text, token.end()), kind))
        i += 1
    return found


def _is_name_use(text: str, token: re.Match[str]) -> bool:
    """A known last name used as a name: capitalised, and at a sentence start only when it is
    no everyday word or a title or a speech verb says it is a name."""
    word = token.group(0)
    if not word[:1].isupper():
        return False
    if word.isupper() and len(word) > 3:  # an acronym that happens to spell a name
        return False
    if not _SENTENCE_START.search(text, 0, token.start()):
        return True
    if _word(word) not in _COMMON_WORDS:
        return True
    return bool(
        _TITLE_BEFORE.search(text, 0, token.start()) or _SPEECH_AFTER.match(text, token.end())
    )


def _trim_possessive(text: str, end: int) -> int:
    """Keep "'s" outside the replacement: "[name]'s patient" still reads."""
    for suffix in ("'s", "\u2019s"):
        if text.endswith(suffix, 0, end):
            return end - len(suffix)
    return end


def _pattern_findings(text: str) -> list[_Finding]:
    found = [_Finding(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    for match in _PHONE.finditer(text):
        # Groups of digits with separators: a phone number when there are enough of them, not
        # "170 100" or a date.
        digits = sum(c.isdigit() for c in match.group(0))
        if _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
            found.append(_Finding(match.start(), match.end(), PHONE))
    found += [_Finding(m.start(), m.end(), IDENTIFIER) for m in _IDENTIFIER.finditer(text)]
    found += [_Finding(m.start(), m.end(), DATE) for m in _DATE.finditer(text)]
    found += [_Finding(m.start(), m.end(), INSTITUTION) for m in _FAMOUS.finditer(text)]
    for match in _INSTITUTION_PATTERN.finditer(text):
        start = _skip_starters(text, match.start(), match.end())
        words = text[start : match.end()].split()
        if len(words) > 1:  # "Hospital pharmacy wants ..." is no institution
            found.append(_Finding(start, _trim_possessive(text, match.end()), INSTITUTION))
    for match in _TITLED.finditer(text):
        found.append(_Finding(match.start(), _trim_possessive(text, match.end()), NAME))
    for pattern in (_AFTER_STRONG_CUE, _AFTER_CUE, _BEFORE_SPEECH):
        for match in pattern.finditer(text):
            start, end = match.span("name")
            start = _skip_not_names(text, start, end)
            if start < end and not _names_a_thing(text, start, end):
                found.append(_Finding(start, _trim_possessive(text, end), NAME))
    return found


def _skip_starters(text: str, start: int, end: int) -> int:
    """Drop the words that begin a sentence or a phrase from the front of an institution."""
    for token in _TOKEN.finditer(text, start, end):
        if _word(token.group(0)) not in _STARTERS:
            return token.start()
    return end


def _skip_not_names(text: str, start: int, end: int) -> int:
    """Drop words that are never names from the front of a name found by context."""
    for token in _TOKEN.finditer(text, start, end):
        if _word(token.group(0)) not in _NOT_NAMES:
            return token.start()
    return end


def _names_a_thing(text: str, start: int, end: int) -> bool:
    """A capitalised phrase with a word no person is called: "England Journal"."""
    return any(_word(t.group(0)) in _NOT_NAMES for t in _TOKEN.finditer(text, start, end))


def _findings(
    text: str, known_names: Iterable[str], known_institutions: Iterable[str]
) -> list[_Finding]:
    """Every identifier in the text, overlaps resolved: the longer finding wins, then the kind
    that comes first in ``_PRECEDENCE``."""
    candidates = _pattern_findings(text) + _known_findings(
        text, _Known(known_names, known_institutions)
    )
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start), _PRECEDENCE[f.kind]))
    chosen: list[_Finding] = []
    for finding in candidates:
        if finding.end <= finding.start:
            continue
        if chosen and finding.start < chosen[-1].end:
            continue
        chosen.append(finding)
    return chosen


def deidentify(
    text: str, known_names: Iterable[str] = (), known_institutions: Iterable[str] = ()
) -> Deidentified:
    """Replace the person names, institutions, dates and contact details in ``text``."""
    parts: list[str] = []
    removed: list[tuple[str, str]] = []
    position = 0
    for finding in _findings(text, known_names, known_institutions):
        parts.append(text[position : finding.start])
        parts.append(f"[{finding.kind}]")
        removed.append((finding.kind, text[finding.start : finding.end]))
        position = finding.end
    parts.append(text[position:])
    return Deidentified(text="".join(parts), removed=removed)


def remaining_identifiers(
    text: str, known_names: Iterable[str] = (), known_institutions: Iterable[str] = ()
) -> list[str]:
    """What in ``text`` still identifies a person, an institution or a date, each once."""
    found: list[str] = []
    for finding in _findings(text, known_names, known_institutions):
        original = text[finding.start : finding.end]
        if original not in found:
            found.append(original)
    return found
