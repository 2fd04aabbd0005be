"""Adverse-event screening of free text from the field (insights, interaction notes, inquiry
questions and answers).

A possible adverse event is a mention of a product or a patient together with a harm: a symptom
or side effect, a hospitalisation, a death, a pregnancy (or breastfeeding) exposure, an overdose
or medication error, a lack of effect, or off-label use with harm. The screener is a rule-based
reader built for recall: a missed adverse event is the worst error, so when it is unsure it flags
and a pharmacovigilance officer decides.

Method, sentence by sentence:

1. **Listed harms.** A lexicon of about 380 patterns in seven categories (death,
   hospitalisation, pregnancy exposure, overdose, medication error, lack of effect, side effect)
   with inflections, British and American spellings, common typos and clinical shorthand (AE,
   SAE, ADR, irAE, c/o, rxn, ICU, ER/ED/A&E, LFTs, QTc, DKA, ILD, "d/c due to"), inflammation,
   low counts and pain by their suffixes (-itis, -penia, -algia, except the diseases the
   products treat), and a benefit denied ("has not shrunk the tumour") as a lack of effect.
   Where two categories match at one place the first wins ("fatal hepatic failure" is a death).
2. **Unlisted harms, by the shape of the sentence.** Symptoms are an open vocabulary, so when
   the lexicon finds nothing, a sentence that names a patient and, in its text, a drug is read
   as a possible "symptom" when it also has an event verb ("developed", "noticed", "complains
   of", "keeps getting", "has" or "with" right after a patient) followed by something that is
   neither a benefit nor a neutral fact ("a complete response", "questions", "insurance"); or
   tells of something "in a woman on <drug>"; or says something about a part or function of
   one patient's body ("skin", "eyes", "blood", "walking") with no benefit word. Events before
   the first dose or at baseline do not count.
3. **Dismissed harms.** A harm is dropped when the few words before it negate or avert it ("no",
   "denied any", "without", "free of", "reduced", "fewer", "prevented", "history of", "prior";
   "none of", "nobody", "never" over a whole clause) with no "but", "except", "although" or new
   clause subject in between, or when the words after it negate it ("... was not needed").
4. **Context of the sentence.** Three kinds of context discount the remaining harms:
   *hypothetical* ("if", "in case of", "were to", "suppose", "should someone"; from the cue to
   the end of the clause), *population or reference* (a label, SmPC or prescribing information;
   rates, percentages per arm, incidence, placebo, trials, registries, pooled or post hoc
   analyses, posters, publications) and *general* (questions, concerns, risk, perception,
   guidance, monitoring, counselling, training, "could", "may").
   Individual-case cues override them: a *specific* patient ("her patient", "one of his
   patients", "a 67-year-old", "pt", "her mother", "in her practice", "a case of", "saw two")
   overrides all three; one patient with a realised event ("a patient ... died") overrides the
   population context; an indefinite patient or any realised event ("the man", "developed",
   "was admitted", "passed away", "had to") overrides only the general context.
5. **Subject.** A surviving harm counts when the text names a known product (brand or generic,
   passed in by the caller), a drug-like word (the name stems -mab, -nib, -pril, -sartan,
   -statin, -gliflozin, -glutide and similar, or "drug", "medication", "treatment", "therapy",
   "dose", "cycle", "injection"...), a patient or relative anywhere in the text, a "he" or
   "she" in the harm's sentence, or uses adverse-event vocabulary itself ("AE", "side effect").
6. **Off-label.** Off-label use alone is not a harm; when a flagged text also speaks of
   off-label or unapproved use, "off-label use with harm" is added to its harm categories.

Population-level results (rates per arm, percentages, counts in a trial, registry or published
analysis, label text) are not individual cases and are not flagged; a single described patient
is, wherever the patient was seen: in the reporter's practice, at a trial site, or in a
published case report. Adverse events on competitors' products are flagged too: pharmacovigilance
decides whether they are ours to report.

Every pattern is compiled once at import (the known product names once per distinct list,
cached), and the long alternations are grouped by first character (see ``_dispatch``), so a
typical one-to-three-sentence insight is screened in a few hundred microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

EXCERPT_CHARS = 300

# --- building fast patterns ------------------------------------------------------------------

# Python's regular expressions try the alternatives of an alternation one after another at
# every word start, so a lexicon of hundreds of entries costs hundreds of attempts per word.
# Grouped behind a one-character lookahead by the characters they can start with, each word
# start costs a few dozen cheap checks and one small group. The grouping is only for speed:
# the alternatives, and so what matches, are the same.

_DIGITS = frozenset("0123456789")


def _closing(pattern: str, start: int) -> int:
    """The index of the parenthesis that closes the one at ``start``."""
    depth = 0
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parentheses in {pattern!r}")


def _class_end(pattern: str, start: int) -> int:
    """The index of the bracket that closes the character class opened at ``start``."""
    i = start + 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    parts: list[str] = []
    depth = begin = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[begin:i])
            begin = i + 1
        i += 1
    parts.append(pattern[begin:])
    return parts


def _first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with (lower case), or None when that
    is any character or too intricate to tell."""
    while pattern.startswith(("(?<!", "(?<=", "(?!", "(?=")):
        pattern = pattern[_closing(pattern, 0) + 1 :]
    if not pattern:
        return None
    if pattern.startswith("(?:"):
        end = _closing(pattern, 0)
        found: set[str] = set()
        for alternative in _alternatives(pattern[3:end]):
            chars = _first_chars(alternative)
            if chars is None:
                return None
            found |= chars
        rest = pattern[end + 1 :]
    elif pattern.startswith("\\d"):
        found, rest = set(_DIGITS), pattern[2:]
    elif pattern[0] in "\\[.()|^$":
        return None
    else:
        found, rest = {pattern[0].lower()}, pattern[1:]
    if rest[:1] in ("?", "*"):  # optional: it may start with what follows instead
        after = _first_chars(rest[1:])
        if after is None:
            return None
        found |= after
    elif rest[:1] == "{":
        return None
    return frozenset(found)


def _dispatch(alternatives: Iterable[str]) -> str:
    """One alternation of ``alternatives``, grouped by first character (see above)."""
    groups: dict[str, list[str]] = {}
    anywhere: list[str] = []
    for alternative in alternatives:
        chars = _first_chars(alternative)
        if chars is None:
            anywhere.append(alternative)
            continue
        for char in chars:
            groups.setdefault(char, []).append(alternative)
    parts = [f"(?={re.escape(c)})(?:{'|'.join(alts)})" for c, alts in sorted(groups.items())]
    return "|".join(parts + anywhere)


def _words(*patterns: str) -> re.Pattern[str]:
    """The alternatives of ``patterns`` as whole words, case-insensitive, dispatched."""
    alternatives = [a for pattern in patterns for a in _alternatives(pattern)]
    return re.compile(rf"(?<![\w])(?:{_dispatch(alternatives)})(?![\w])", re.IGNORECASE)


# --- the harm lexicon ------------------------------------------------------------------------

# Persons who can be the subject of "developed", "suffered" and the like; lets the lexicon
# require a person before a verb that is harmless on its own ("developed new guidelines").
_PERSON = (
    r"(?:patients?|pts?|he|she|they|who|man|woman|men|women|boy|girl|child|kid|teen(?:ager)?"
    r"|toddler|infant|baby|mother|father|husband|wife|son|daughter)"
)

_HARM_TERMS: dict[str, tuple[str, ...]] = {
    "death": (
        r"died|dies|dying(?! to)|deaths?",
        r"passed away|found dead|deceased",
        r"fatal(?:ity|ities|ly)?(?! flaw)",
        r"(?:patient|pt) (?:has |had )?expired",
        r"expired (?:in|at) (?:the )?(?:hospital|home|icu|ward)",
        r"lost (?:a|an|one|two|three|\d+|(?:one|two|three) of (?:his|her|my|their)|(?:his|her|my))"
        r" (?:[\w-]+ )?(?:patients?|pts?)(?! to follow)",
        r"killed (?:him|her|them|the patient)",
    ),
    "hospitalisation": (
        r"hospitali[sz](?:ed|ation|ations|ing)",
        # "admitted that ...", "admitted to the copay programme" are not hospital admissions.
        r"(?:re)?admitted(?! (?:that|she|he|they|it|not|having|being|to (?:the |a |an |our |her"
        r" |his )?(?:[\w-]+ ){0,2}(?:program|programme|study|trial|registry|list)))",
        r"(?:re)?admissions?(?! (?:to|into) (?:the |a |an )?(?:[\w-]+ ){0,2}(?:program|programme"
        r"|study|trial|registry)| criteria)",
        r"(?:in|to|into|at|on) (?:the )?(?:hospital|icu|hdu|intensive care|er|ed|a&e|ccu|ward"
        r"|casualty|emergency(?: room| department)?|urgent care)",
        r"(?:er|ed|a&e|emergency|urgent care) visits?|emergency (?:room|department)",
        r"inpatient(?! (?:use|setting|formulary|pharmacy))|intensive care|icu (?:stay|admission)",
        r"hospital stay|kept in (?:hospital|overnight)",
    ),
    "pregnancy": (
        r"(?:became|become|becomes|becoming|got|gets|fell|is|was|found out (?:she|he) was"
        r"|(?:\d+|[a-z]+) (?:weeks?|wks?|months?)) pregnant",
        r"(?:is|was|she's) (?:now |currently |also )?pregnant",
        r"(?:is|she's) (?:now )?expecting(?! (?:the|a|an|data|results|more|to|that|some))",
        r"pregnant (?:while|on|during|when)",
        r"partners? (?:got|became|is|was) pregnant",
        r"positive pregnancy test|conceived|(?:discovered|found out about) (?:her |a )?pregnancy",
        r"(?:first|second|third|1st|2nd|3rd) trimester|in utero",
        r"miscarri(?:age|ed)|stillbirth|stillborn|birth defects?|congenital",
        r"delivered (?:early|prematurely|preterm|at \d+ weeks)|preterm (?:birth|delivery|baby)"
        r"|premature (?:birth|delivery|baby)|small for gestational age|born (?:with|small|early)",
        r"expos(?:ure|ed) (?:in|during) pregnancy|during (?:her |the )?pregnancy",
        r"breast-?feeding|breastfed|nursing (?:mother|her (?:baby|infant))",
    ),
    "overdose": (
        r"overdos(?:e|es|ed|ing)",
        r"(?:took|takes|take|taking|gave|given|injected) (?:a |the )?(?:double|twice|triple"
        r"|two times|three times) (?:the )?(?:\w+ )?(?:dose|doses|amount)",
        r"(?:took|takes|gave|injected|taken) (?:[\w']+ ){0,2}(?:twice|three times|again)"
        r" (?:in|within|on|that|the same)",
        r"twice (?:in one|in a|within)",
        r"doubled? (?:the|his|her|their) (?:\w+ )?dose|dose was doubled|double the (?:\w+ )?"
        r"(?:dose|frequency|amount)|double-?dos\w*",
        r"too many (?:[\w-]+ )?(?:doses|tablets|pills|injections|capsules)",
        r"accidental(?:ly)? (?:ingest\w*|swallow\w*|took|taken|injected|exposure|overdose)",
        r"swallowed|ingested|ingestion",
        r"took (?:[5-9]|\d{2,}|a (?:whole|full) \w+(?:'s)? (?:worth|supply)) (?:of )?(?:[\w-]+ )?"
        r"(?:tablets|pills|capsules|doses)",
        r"deliberate(?:ly)?|intentional(?:ly)?|self-harm|a handful of",
        r"extra (?:tablets?|pills?|doses?|injections?|capsules?)",
    ),
    "medication_error": (
        r"(?:medication|dosing|dispensing|scheduling|pharmacy|prescribing|administration) errors?",
        r"wrong (?:dose|drug|medication|strength|patient|pen|product)",
        r"instead of (?:the )?(?:\d+ ?mg|starting dose|prescribed|low dose|weekly|daily|monthly"
        r"|once)|full pen",
        r"(?:two|three|four|several|\d+) (?:tablets|pills|doses|injections|capsules)"
        r" (?:of \w+ )?(?:at once|in a (?:day|week)|in one (?:day|week)|\d+ days apart)",
        r"took both|mix-?up|mixed up|confused (?:\w+ ){1,2}with",
        r"by mistake|mistaken(?:ly)?|in error",
        r"(?:doses|tablets|pills) (?:together|at (?:the same time|once))|both doses",
        r"someone else's|another (?:patient|resident)'s",
        r"(?:than|not as|when (?:she|he|they) (?:had been|was|were)) prescribed",
        r"(?:injected|took|taken|given|gave) (?:it )?(?:[\w-]+ ){0,3}(?:days|times) in a row",
        r"again (?:[\w-]+ ){0,5}(?:the same|that|in the same) (?:day|week|morning|evening)",
        r"leak(?:ed|ing|s)?|faulty|defective|malfunction\w*",
    ),
    "lack_of_effect": (
        r"not working|isn'?t working|(?:stopped|stops|stop) working|no longer (?:works|working)",
        r"(?:didn'?t|did not|does not|doesn'?t|failed to) (?:respond|work|help)",
        r"no (?:clinical |[\w-]+ )?(?:response|improvement|benefit|effect|reduction|change)"
        r"(?! (?:yet )?from)",
        # A benefit denied: "has not shrunk the tumour", "has not lost any weight".
        r"(?:has|have|had|did|does|is|was)(?:n't| not| never) (?:yet )?(?:\w+ )?(?:shrunk"
        r"|shrink|improved?|improving|responded|respond|helped|help|worked|controlled|lost any"
        r"|reduced|dropped|come down|gone down|changed|budged|prevent|stop|protect)",
        r"did nothing|does nothing|done nothing|unchanged(?! from baseline)|no better",
        r"tumou?r (?:grew|growth|got bigger|increased|enlarged)",
        r"(?:stayed|remained) (?:at|above|high|elevated|uncontrolled)",
        r"lack of (?:efficacy|effect|effectiveness|response)",
        r"(?:loss|lost) (?:of )?(?:its |the |his |her )?(?:response|effect|efficacy)",
        r"ineffective|not effective|treatment failure|failed (?:on|in|therapy|treatment)",
        r"progressed|progressing|progressive disease",
        r"(?<!after )progression (?:on|despite|while on)",
        r"(?:shows?|showed|with|had|confirmed|now) pd(?!-)",
        r"(?:increased|worse|worsened|back up|went up|rose|came back) despite",
        r"despite (?:max(?:imum)? dose|(?:\w+ ){0,2}(?:months|weeks) of|good adherence|full"
        r" adherence|(?:the )?(?:treatment|therapy|drug|medication))|even though (?:she|he|they)"
        r" never missed",
        r"still (?:decompensat\w*|above|uncontrolled|having|has|gets|getting)",
        r"continues? to (?:have|get|suffer)",
        r"new (?:liver |brain |bone |lung )?(?:mets|metastases|lesions)",
        r"breakthrough (?:seizures?|bleeding|migraines?|infections?|disease)",
        r"exacerbations?|decompensat\w*|relapsed (?:on|despite|while)|asthma attacks?",
        r"another (?:episode|attack|bleed|flare|seizure|stroke|event|clot|dvt)",
        r"(?:disease|psoriasis|plaques|symptoms|migraines?|seizures?|pain|tumou?r|cancer|asthma"
        r"|eczema|attacks) (?:are|were|came|has come|have come|is) back|recurred",
    ),
    "side_effect": (
        # adverse-event vocabulary
        r"side[- ]?effects?|adverse (?:events?|reactions?|drug reactions?|effects?)",
        r"s?aes?|ir ?aes?|adrs?|teaes?|rxn",
        r"toxicit(?:y|ies)|intoleran(?:ce|t)|tolerability (?:issues?|problems?)",
        r"(?:didn'?t|did not|could not|couldn'?t|can'?t|cannot|unable to) tolerate",
        r"poorly tolerated|not tolerated",
        r"(?:for|due to|because of) safety (?:reasons|concerns?|issues?)",
        r"(?:bad|allergic|severe|serious|skin|infusion|injection[- ]site|hypersensitivity"
        r"|anaphylactic|systemic|local|drug|paradoxical|cutaneous|strange|unusual|mild"
        r"|moderate)(?:[ -]\w+)? reactions?",
        r"(?:had|has|developed|got|experienced) an? (?:\w+ )?reaction",
        r"(?:drug|treatment|therapy|medication)-(?:related|induced|associated)",
        # stopping for a reason that is not access or logistics
        r"(?:discontinu\w*|stopped|stopping|d/c(?:'?d)?|came off|come off|taken off"
        r"|switched (?:[\w-]+ ){0,3}off)(?: [\w/'-]+){0,5}? (?:due to|because of|because(?! of))"
        r"(?![^.;]{0,60}?\b(?:cost|costs|copay|co-pay"
        r"|price|pricing|insurance|coverage|payer|payers|formulary|prior auth\w*|reimburs\w*"
        r"|access|supply|shortage|stock\w*|budget|business|commercial|strateg\w*|convenience"
        r"|preference|relocat\w*|moving|remission|cure|completion|completed|out-of-pocket"
        r"|afford\w*|coupon|travel|pregnancy plans|pharmacy|out of stock|stocking)\b)",
        # a person developed / suffered something
        _PERSON + r"(?: [\w'-]+){0,4}? (?:developed|experienced|suffered|complained of"
        r"|presented with|came in with)",
        r"c/o",
        # skin
        r"rash(?:es)?|hives|urticaria|itch(?:ing|y)?|prurit\w*|blisters?|blistering|peeling",
        r"stevens-johnson|sjs|toxic epidermal|photosensitiv\w*|sunburn\w*|boils?|abscess\w*",
        r"alopecia|hair (?:loss|thinning|shedding)|lost (?:a lot of |some |her |his )?hair",
        r"paronychia|acneiform|skin (?:peeling|lesions?|toxicity)|hand-foot|infected",
        # gastrointestinal
        r"nausea|nauseous|vomit\w*|diarr?h?o?ea|constipat\w*|bloat\w*|cramping",
        r"(?:abdominal|stomach|back|joint|chest|muscle|bone|jaw|foot|feet|leg|arm|hand|neck|ear"
        r"|eye|tooth|teeth|knee|hip|shoulder|nerve|flank|pelvic|throat|mouth|head)"
        r" (?:pain|ache|aches|cramps?|soreness)|sore (?:throat|mouth|joints|muscles)|painful",
        r"pancreatitis|gastroparesis|mouth (?:sores|ulcers)|heartburn|reflux|indigestion"
        r"|dyspepsia|burping",
        r"gallstones?|gallbladder|gi (?:bleed\w*|issues|problems|upset|symptoms|tox\w*)",
        r"black stools?|bloody (?:stools?|diarrh?o?ea)|mela?ena|blood in (?:the |his |her |their )?"
        r"\w+|(?:vomiting|coughing|spitting|passing)(?: up)? blood",
        r"(?:lost|loss of|poor|no|reduced) (?:her |his |their )?appetite|metallic taste"
        r"|taste (?:changes|disturbance)|dysgeusia|malnourish\w*|malnutrition|cachexi\w*",
        # liver, kidney, metabolism
        r"hepatotox\w*|hepatic failure|jaundice",
        r"liver (?:injury|damage|failure|toxicity|problems?|enzyme elevations?|changes)",
        r"(?:elevated|raised|high|abnormal|increased|rising) (?:liver enzymes|lfts?|alt|ast"
        r"|transaminases|bilirubin|lipase|amylase|creatinine|potassium|ck|cpk|troponin|inr)",
        r"(?:alt|ast|lfts?|transaminases|bilirubin|lipase|amylase|creatinine|ck|cpk|inr)"
        r"[^.;]{0,25}?(?:x ?uln|times the upper|upper limit|doubled|went up|rose|elevat\w*"
        r"|bump)",
        r"(?:alt|ast|ck|cpk) (?:of |over |above )?[\d,]{3,}|creatinine (?:of )?[\d,]{3,}",
        r"lft (?:changes|abnormalit\w*)",
        r"(?:acute )?kidney (?:injury|failure|damage|problems?|function decline)|aki",
        r"renal (?:failure|decline|injury|function decline)",
        r"egfr (?:dropped|fell|declined)|creatinine (?:bump|doubled|rose|went up)",
        r"hyperkal(?:a)?emi\w*|(?:potassium|k\+?) (?:of )?[5-9]\.\d|hypokal(?:a)?emi\w*",
        r"hyponatr(?:a)?emi\w*|hypoglyc(?:a)?emi\w*|hypos|ketoacidosis|dka|lactic acidosis",
        r"(?:blood sugar|glucose) (?:dropped|fell|crashed)|dehydrat\w*|gout",
        # blood
        r"an(?:a)?emi(?:a|c)|agranulocytosis|platelets (?:dropped|fell|of \d+)|transfus\w*",
        r"bleed(?:s|ing)?|bled|h(?:a)?emorrhag\w*|h(?:a)?ematoma|bruis\w*|nosebleeds?|epistaxis",
        r"h(?:a)?ematuria|h(?:a)?emoptysis|dark urine|heavy periods|menorrhagia",
        r"hb (?:of |was |dropped to )?\d|h(?:a)?emoglobin (?:dropped|fell)",
        r"dvt|pulmonary embol\w*|thrombos[ie]s|(?:blood )?clots?|embolism",
        # heart and circulation
        r"qtc? prolong\w*|prolonged qtc?|qtc (?:of |was )?\d{3}",
        r"arrhythmi\w*|atrial fibrillation|a-?fib|palpitations?|tachycardi\w*|bradycardi\w*",
        r"(?:hearts?|heart rate) (?:racing|pounding)|racing heart",
        r"chest tightness|heart attack|myocardial infarction|cardiotox\w*",
        r"(?:drop|fall|decline) in (?:the )?(?:ejection fraction|lvef)|(?:ejection fraction|lvef)"
        r" (?:dropped|fell|decline\w*)",
        r"(?:low|high|dropped?) (?:blood pressure|bp)|blood pressure (?:spiked|rose|went up)",
        r"bp (?:of )?[5-9]\d/\d+",
        r"hypotens\w*|hypertensive crisis|syncop\w*|faint\w*|collaps\w*|stroke",
        r"passed out|blacked out|black-?outs?",
        r"swollen (?:ankles|legs|feet)|ankle swelling|o?edema|swelling|fluid retention",
        r"shortness of breath|short of breath|breathless\w*|dyspn(?:o)?ea|bronchospasm|wheez\w*",
        # nervous system and mind
        r"dizz\w*|light-?headed\w*|(?<!cluster )headaches?|seizures?|seized|convulsions?",
        r"neuropath\w*|tingling|numbness|confus(?:ed|ion)|drows\w*|somnolence|insomnia|letharg\w*",
        r"sleeps? (?:most|all) (?:of )?the day|sleeping a lot|sleepy",
        r"not (?:him|her|them)sel(?:f|ves)|(?:can|could)(?:n't| not)? (?:barely|hardly) \w+",
        r"(?:can't|cannot|could(?:n't| not)) (?:walk|get out of bed|eat|sleep|work|see|breathe)",
        r"tremors?|blurr?ed vision|vision (?:changes|loss|problems)|suicid\w*",
        r"depression|depressed|mood (?:changes|swings)|anxiety|hallucinat\w*",
        r"(?:erectile|sexual) dysfunction|impotence|(?:low|loss of) libido",
        # infections and immune
        r"interstitial lung disease|ild|infections?|pneumonia|sepsis|septic",
        r"thrush|candid(?:a|iasis)|herpes zoster|shingles|tb|tuberculosis",
        r"fournier\w*|gangrene|fevers?|febrile|chills|cough(?:ing)?|temperature of",
        r"anaphyla\w*|angioedema|allerg(?:y|ies|ic)|hypersensitivity|inflammation",
        r"hypothyroid\w*|hyperthyroid\w*|flares?",
        # muscles and bones
        r"rhabdo\w*|fractures?|tendon rupture|stiffness",
        r"falls?(?! (?:under|within|into|in line|short|outside))|fell(?! (?:from|to|by|short))",
        # general
        r"fatigue|tiredness|exhaust(?:ed|ion)|malaise|weakness|sweating|weight gain"
        r"|gained weight",
        r"(?:feels?|felt|feeling) (?:\w+ )?(?:weak|faint|dizzy|sick|unwell|awful|terrible|ill"
        r"|lousy)",
        r"(?:made|makes|making|got|gets|became) (?:[\w']+ ){0,5}?(?:sick|ill|unwell)",
        r"symptoms (?:got|getting|are getting|became) worse|worsen(?:ed|ing)",
        r"lumps?|injection[- ]sites? \w+|dry (?:eyes?|mouth|skin)|eye dryness|irritation|cracked",
        r"yellow (?:in the )?(?:eyes|skin)|blotch\w*",
    ),
}

# Inflammation, low counts and pain named by their suffix, except the diseases the products
# treat. Searched only in sentences that hold one of the suffixes at all: a pattern that can
# start with any word is slow to try at every word.
_SUFFIXES = ("itis", "itides", "penia", "algia")
_SUFFIX_HARM = re.compile(
    r"(?<![\w-])(?<!rheumatoid )(?<!psoriatic )(?<!ankylosing )(?<!ulcerative )(?<!atopic )"
    r"(?!(?:osteo)?arthritis|hidradenitis|spondylitis)"
    r"(?:\w{2,}(?:itis|itides)(?! [a-e]\b)|\w{3,}penia|\w{3,}algias?)(?!\w)",
    re.IGNORECASE,
)

_CATEGORY_NAMES = {
    "death": "death",
    "hospitalisation": "hospitalisation",
    "pregnancy": "pregnancy exposure",
    "overdose": "overdose",
    "medication_error": "medication error",
    "lack_of_effect": "lack of effect",
    "side_effect": "side effect",
}
SIDE_EFFECT = "side effect"
# What the structural route finds when no listed harm names the event.
SYMPTOM = "symptom"
OFF_LABEL_HARM = "off-label use with harm"

# Any harm at all, to find where harms start; then the categories in order of precedence
# decide which one it is, so "fatal hepatic failure" is a death, not a liver side effect, and
# "fell pregnant" a pregnancy, not a fall.
_HARM = _words(*(term for terms in _HARM_TERMS.values() for term in terms))
_HARM_BY_CATEGORY = [(_CATEGORY_NAMES[key], _words(*terms)) for key, terms in _HARM_TERMS.items()]

# --- what dismisses a single harm ------------------------------------------------------------

# Words between a negator and its harm. A contrast, or a new clause with its own subject ("...,
# and the patient had"), ends the negator's reach.
_GAP = (
    r"(?:(?!(?:but|however|except|although|though|yet|until|then|later|now)\b"
    r"|and\s+(?:(?:the|her|his|a|an|their)\s+)?(?:patients?|pts?|he|she|they)\b)[\w'/-]+,?\s+)"
)
_NEGATORS = (
    r"no|not(?! (?:sure|clear|certain|known))|without|denie[sd]|deny|denying|free of|absence of"
    r"|neither|nor|negative for|ruled out|reduc\w*|lower\w*|fewer|less|prevent\w*|avoid\w*"
    r"|decreas\w*|protect\w*|minimi[sz]\w*|mitigat\w*|history of|prior|previous|pre-existing"
    r"|underlying"
)
_DISMISSED_BEFORE = re.compile(
    # A negator or averting word reaches a few words: "no rash", "denied any adverse events",
    # "reduced heart failure hospitalisations".
    rf"(?:(?<![\w])(?:{_dispatch(_alternatives(_NEGATORS))})\s+{_GAP}{{0,5}}"
    # A negated quantifier covers its whole clause: "none of the women in her clinic became
    # pregnant", "nobody in her practice has been hospitalised".
    rf"|(?<![\w])(?:none|nobody|no one|no patients?|never)\s+{_GAP}{{0,8}})$",
    re.IGNORECASE,
)
_DISMISSED_AFTER = re.compile(
    r"\W{0,2}\s*(?:(?:was|were|is|are|has been|have been)\s+(?:not|never|ruled out|excluded)"
    r"|none\b|not (?:seen|reported|observed|needed|required))",
    re.IGNORECASE,
)
# How far back a negator can be: a clause of eight short words.
_BEFORE_WINDOW = 120

# --- the context of a sentence ---------------------------------------------------------------

_HYPOTHETICAL = _words(
    r"(?<!asked )(?<!wondered )(?<!know )(?<!see )if|in case|in the event|were to|suppos(?:e|ing)"
    r"|hypothetical(?:ly)?|theoretical(?:ly)?|what would|would (?:be|happen|need|there)"
    r"|should (?:(?:a|the|any|an) (?:[\w-]+ )?(?:patient|pt|woman|man|child|person)|someone"
    r"|anyone)"
)
_CLAUSE_END = re.compile(r"[;:]")
_POPULATION = _words(
    r"\d+(?:\.\d+)?\s?%\s?(?:of|in|vs\.?|versus|with|on|and|for)|in \d+(?:\.\d+)?\s?%"
    r"|\d+ (?:of|out of|among|in) \d[\d,]* (?:patients|subjects|participants|pts)"
    r"|among [\d,]{2,}|per \d+ patient-years",
    r"incidence|rates?|risk ratio|hazard ratio|hr \d|odds ratio|nnt|nnh|placebo|trials?"
    # an arm of a trial, not of a patient
    r"|(?:treatment|placebo|control|study|trial|active|comparator|the \w+) arms?|arms? of"
    r"|between arms|both arms|per arm"
    r"|stud(?:y|ies)|phase (?:[1-4]|i{1,3}|iv)|pivotal|registr(?:y|ies)|database|cohort"
    r"|meta-analys[ie]s|pooled|post[- ]hoc|subgroup|publication|published|poster|abstract"
    r"|literature|label(?:ing|ling|s)?|prescribing information|package insert|smpc|pi"
    r"|boxed warning|warnings and precautions|rems|contraindicat\w*|signal|post-?marketing"
    r"|real-world|overall survival|progression-free|endpoint|guidelines?",
)
_OFF_LABEL = _words(
    r"off[- ]?label|outside (?:the|its) (?:label|indication)|not approved|unapproved|unlicensed"
    r"|(?:double|twice|higher than|above|beyond) (?:the |its )?label(?:l?ed)?(?: \w+)?"
)
_GENERAL = _words(
    r"ask(?:ed|s|ing)? (?:about|whether|if|how|what|for|why|when)|question(?:s|ed)?"
    r"|wonder(?:s|ed|ing)?|want(?:s|ed)? to know|would like|curious|interested in"
    r"|request(?:s|ed)?|[ie]nquir\w*|data on|evidence (?:on|for)|more data|concern(?:s|ed)?"
    r"|worr(?:y|ies|ied)|fear(?:s|ed)?|afraid|hesitan\w*|reluctan\w*|cautious|scared"
    r"|perceiv\w*|perception|reputation|risks?|potential(?:ly)?|could|may|might"
    r"|can (?:cause|lead|increase|result)|class effect|mechanism|how to|manag(?:e|ing|ement)"
    r"|monitor\w*|watch for|counsel\w*|educat\w*|guidance|faq|training|seminar|webinar|lecture"
    r"|grand rounds|premedicat\w*|prophyla\w*|safe(?:ty)? (?:in|during)|is it safe|safe to"
)
# A particular patient: overrides every discounting context.
_SPECIFIC_CASE = _words(
    r"(?:my|his|her|their|our)\s(?:own\s)?(?:[\w-]+\s)?(?:patient|pt)"
    r"|(?:one|two|three|four|five|several|some|a few|\d+)\sof\s(?:my|his|her|their|the|our)\s"
    r"(?:[\w-]+\s)?(?:patients|pts)"
    r"|patients?\sof\s(?:his|hers|mine|theirs|dr)"
    r"|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o|y\.o\.)|in\s(?:his|her|their)\s\d0s"
    r"|(?:my|his|her|their)\s(?:own\s)?(?:mother|father|mom|dad|husband|wife|son|daughter"
    r"|child|sister|brother|grandmother|grandfather|partner)"
    r"|(?<!\bin )case\s(?:report|of|at|where|in which)|a case"
    r"|pt|pts|pt's|(?<=\w's )(?:patient|pt)|(?<=\ws' )(?:patient|pt)"
    r"|in\s(?:my|his|her|their)\s(?:practice|clinic|unit|ward|center|centre|office)"
    r"|(?:saw|has seen|have seen)\s(?:one|two|three|several|a few|\d+)"
)
# One patient to whom something happened ("a patient enrolled in her registry died"): an
# individual case even among population words; a count ("two patients died") is not.
_ONE_PATIENT_EVENT = re.compile(
    r"\b(?:a|an|one|the|this|that)\s(?:[\w-]+\s){0,3}?(?:patient|pt|man|woman|gentleman|lady"
    r"|boy|girl|child)\b[^.;]{0,80}?\b(?:died|passed away|was (?:admitted|hospitali[sz]ed|given)"
    r"|developed|became|got|suffered|experienced|injected|took)\b",
    re.IGNORECASE,
)
# An indefinite patient or an event that happened: overrides only the general context.
_CASE = _words(
    r"(?:a|an|the|one|this|that|another)\s(?:[\w-]+\s){0,2}?(?:patient|pt|man|woman|gentleman"
    r"|lady|boy|girl|child|teen(?:ager)?|toddler|infant|baby|kid)",
    r"developed|experienced|suffered|presented with|complained|c/o|ended up|landed"
    r"|passed away|died|collapsed|became|got|had to|went (?:to|into)|found|noticed"
    r"|was (?:admitted|hospitali[sz]ed|rushed|brought|taken)|has had|have had",
)

# --- subjects --------------------------------------------------------------------------------

_DRUG_WORD = _words(
    r"drugs?|medications?|medicines?|meds|treatments?|therapy|therapies|doses?|dosed|dosing"
    r"|tablets?|pills?|capsules?|injections?|infusions?|pens?|vials?|inhaler|regimen|cycles?"
    r"|chemo(?:therapy)?|immunotherapy|biologics?|vaccines?|insulin|steroids?|gel|cream|patch"
    r"|pembro|nivo|metformin|warfarin|aspirin"
)
# International non-proprietary name stems: a word ending so is a drug name.
_DRUG_STEMS = (
    "mab",
    "nib",
    "pril",
    "sartan",
    "statin",
    "gliflozin",
    "glutide",
    "gliptin",
    "xaban",
    "gatran",
    "parin",
    "olol",
    "dipine",
    "prazole",
    "cycline",
    "mycin",
    "floxacin",
    "cillin",
    "platin",
    "taxel",
    "rubicin",
    "ciclib",
    "parib",
    "lisib",
    "tide",
    "vir",
    "afil",
    "azole",
    "formin",
    "azepam",
    "triptan",
    "gepant",
    "lukast",
)
_DRUG_STEM_ENDINGS = tuple(s + plural for s in _DRUG_STEMS for plural in ("", "s"))
_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
_PATIENT = _words(
    r"patients?|pts?|pt's|man|men|woman|women|gentleman|lady|boy|girl|child|children|kids?"
    r"|infant|baby|toddler|teen(?:ager)?s?|adolescents?|son|daughter|mother|father|mom|dad"
    r"|wife|husband|grandmother|grandfather|grandma|grandpa|neonate|newborn|caregiver"
    r"|customer|resident|someone|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o)"
)
_PRONOUN = _words(r"he|she|him")
# Adverse-event vocabulary implies a product and a patient by itself.
_SELF_SUBJECT = _words(
    r"side[- ]?effects?|adverse (?:events?|reactions?|drug reactions?)|s?aes?|ir ?aes?|adrs?"
    r"|teaes?"
)

# --- the structural route: a patient, a drug and something that happened ----------------------

# Harms are an open vocabulary ("keeps getting boils", "gallbladder inflammation"), so a sentence
# that puts a patient, a drug and an event together is read as a possible event unless what
# follows is a benefit or a neutral fact.
_PERSON_NOUN = (
    r"patients?|pts?|man|woman|men|women|lady|gentleman|boy|girl|child|kid|teen(?:ager)?"
    r"|toddler|infant|baby|someone|mother|father|husband|wife|son|daughter|customer|resident"
    r"|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o)"
)
_ANY_PERSON = _words(rf"(?:{_PERSON_NOUN})(?:'s)?")
_EVENT_VERBS = (
    r"developed|developing|experienced|experiencing|suffered|suffering|got|gets|getting"
    r"|became|becoming|noticed|notices|reports?|reported|reporting|complain(?:s|ed|ing)?"
    r"(?: of| about)?|described|describes|presented with|came in with|ended up(?: with)?"
    r"|keeps? (?:getting|having)|kept (?:getting|having)|went into|felt|feels|feeling|needed"
    r"|needs|required|requires|requiring|now has|now had|has had|have had"
)
_EVENT_VERB = re.compile(
    rf"(?<![\w])(?:{_dispatch(_alternatives(_EVENT_VERBS))})\s+(?P<object>[^.;:!?]{{2,80}})",
    re.IGNORECASE,
)
# "has", "had" and "with" say less: only right after a patient ("pt on Hemalux with massive
# bruising", "her patient on Glyvanta has gallbladder inflammation").
_PATIENT_HAS = re.compile(
    r"(?<![\w])(?:patient|pt|man|woman|lady|gentleman|boy|girl|child|teen(?:ager)?|someone"
    r"|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o))(?:'s)?\s(?:(?:on|taking|receiving|treated with)\s"
    r"(?:[\w'+-]+\s){1,3}?)?(?:now\s)?(?:has|had|with|w/)\s+(?P<object>[^.;:!?]{2,80})",
    re.IGNORECASE,
)
# "hair thinning in a woman on Zentorix": the event is told before the patient.
_IN_PATIENT_ON = re.compile(
    r"(?<![\w])in\s(?:a|an|one|her|his|their|this|that|two|three|several|\d+)\s"
    rf"(?:[\w'-]+\s){{0,2}}?(?:{_PERSON_NOUN})\s(?:on|taking|treated with|receiving)(?![\w])",
    re.IGNORECASE,
)
# What follows an event verb when nothing bad happened: a benefit, a neutral fact about the
# patient or the treatment, a question, an access matter, or a negation.
_NEUTRAL_OBJECT = re.compile(
    r"(?:(?:a|an|the|her|his|their|some|very|really|been|so|quite|much|any|all|its|to|more"
    r"|has|had|have|also|still|always"
    r"|excellent|good|great|nice|amazing|impressive|complete|partial|durable|deep|major"
    r"|dramatic|full|first|second|third|next|last|new|regular|routine)\s+)*"
    r"(?:no|not|never|none|nothing|response|responses|remission|results?|control|outcome"
    r"|benefit|improv\w*|stable|well|better|fine|normal|clear|clearance|questions?|concerns?"
    r"|appointment|follow-up|visit|scan|scans|dose|doses|injection|injections|infusion|tablets?"
    r"|prescription|refill|pa|prior auth\w*|coverage|insurance|copay|access|approval|trouble"
    r"|difficulty|type [12] diabetes|diabetes|hypertension|ckd|copd|obesity|asthma|psoriasis"
    r"|migraine|cancer|nsclc|egfr|alk|her2|kras|brca|mutation|exon|stage|metastatic|history"
    r"|comorbid\w*|consent|enrolled|training|education|support|\d+|one|two|three|four|five|six"
    r"|several|many|weeks|months|years|to|on|from|into|through|at|in|for|it|them|him|her|that"
    r"|this|which|shrink\w*|shrank|lost|weight loss|reduction|reduced|lower|fewer|doing|back"
    r"|home|discharged|a baby boy|a baby girl|a healthy|healthy|normal|pregnancy test"
    r"|contracepti\w*|routine|eligible|letter|note|form|referral|travel|gone|went|moved"
    r"|switched|started|changed|married|engaged|happy|pleased|delighted)\b",
    re.IGNORECASE,
)
_POSITIVE = _words(
    r"response|remission|results|benefit|improv\w*|stable|well|better|control(?:led)?|clear"
    r"|success\w*|great|good|excellent|impressive|shrank|shrunk|happy|pleased|delighted"
    r"|thrilled|normal|routine|baseline"
)
# "KOL uses it off-label in a patient on ..." names a use, not an event.
_USE_WORDS = _words(r"use[sd]?|using|off-label|interest\w*")
# One patient, not a population: the body-function check below needs it.
_ONE_PATIENT = _words(
    r"(?:a|an|one|the|this|that|my|his|her|their)\s(?:[\w'-]+\s){0,3}?(?:patient|pt|man"
    r"|woman|lady|gentleman|boy|girl|child|teen(?:ager)?|toddler|infant|baby|customer|resident)"
    r"|one of (?:my|his|her|their|the) (?:[\w-]+ )?patients|pt|someone"
    r"|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o)"
)
# Harms are mostly told as something about a part or function of the body ("skin very dry and
# cracked", "yellow in the eyes", "blood pressure stayed at 170"): a closed vocabulary where
# symptoms are an open one.
_BODY = _words(
    r"skin|eyes?|eyelids?|eyelashes|lashes|ears?|hearing|nose|mouth|lips?|tongue|throat"
    r"|teeth|tooth|gums?|jaw|bones?|joints?|muscles?|neck|chest|heart|lungs?|breathing|breath"
    r"|stomach|belly|bowels?|gut|liver|kidneys?|bladder|urine|pee\w*|stools?|spit|sputum|blood"
    r"|hair|nails?|hands?|feet|foot|fingers?|fingertips|toes?|legs?|arms?|face|sleep\w*"
    r"|appetite|memory|mood|speech|vision|eyesight|walk\w*|balance|temperature|sugars?"
    r"|glucose|bp|blood pressure|pulse|heart rate|potassium|sodium|platelets|white count|ecg|ekg"
    r"|tumou?rs?"
)
# An event that predates the drug is history, not an adverse event.
_BEFORE_EXPOSURE = _words(
    r"before (?:starting|taking|treatment|therapy|the first dose|initiation|it was started)"
    r"|at baseline|pre-?existing"
)

# Sentence ends, but not after the abbreviations field notes are full of.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bdr\.)(?<!\bmr\.)(?<!\bms\.)(?<!\bmrs\.)(?<!\bprof\.)(?<!\bvs\.)"
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bst\.)(?<!\bno\.)(?<!\bapprox\.)\s+|\s*\n+\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Screening:
    """What screening found in one text: whether it may hold an adverse event, the sentences
    that say so, the harm categories, whether a patient or only a product is its subject, and
    the words that matched (harms first, then subjects)."""

    possible_ae: bool
    excerpt: str = ""
    harms: list[str] = field(default_factory=list)
    subject: str = ""
    matched: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Harm:
    start: int
    category: str
    term: str

    @property
    def end(self) -> int:
        return self.start + len(self.term)


@lru_cache(maxsize=32)
def _product_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The known products as one pattern, compiled once per distinct list of names."""
    if not names:
        return None
    # Longest first, so "Cardiovel XR" wins over "Cardiovel".
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class _Subjects:
    """The products, drug words and patients a text names, looked up on first use: most
    sentences never need them."""

    def __init__(self, text: str, products: tuple[str, ...]) -> None:
        self._text = text
        self._products = products

    @cached_property
    def drugs(self) -> list[str]:
        """The first known product and the first drug word or drug name the text holds."""
        found: list[str] = []
        products = _product_pattern(self._products)
        if products is not None and (hit := products.search(self._text)):
            found.append(hit.group(0))
        if hit := _DRUG_WORD.search(self._text):
            found.append(hit.group(0))
        elif name := next((w for w in _WORD.findall(self._text) if _is_drug_name(w)), None):
            found.append(name)
        return found

    @cached_property
    def patient(self) -> str | None:
        """The first patient or relative the text names."""
        hit = _PATIENT.search(self._text)
        return hit.group(0) if hit else None

    @property
    def drug(self) -> bool:
        return bool(self.drugs)

    @property
    def terms(self) -> list[str]:
        return [*self.drugs, *([self.patient] if self.patient else [])]


def _is_drug_name(word: str) -> bool:
    lowered = word.lower()
    return len(lowered) > 5 and lowered.endswith(_DRUG_STEM_ENDINGS)


def _harms_in(sentence: str) -> list[_Harm]:
    """Every listed harm of a sentence with its category, before negation and context."""
    found: list[_Harm] = []
    position = 0
    while hit := _HARM.search(sentence, position):
        start = hit.start()
        # _HARM is the union of the categories, so one of them matches here.
        category, match = next(
            (c, m) for c, pattern in _HARM_BY_CATEGORY if (m := pattern.match(sentence, start))
        )
        found.append(_Harm(start, category, match.group(0)))
        position = max(match.end(), start + 1)
    lowered = sentence.lower()
    if any(suffix in lowered for suffix in _SUFFIXES):
        seen = {h.start for h in found}
        found.extend(
            _Harm(m.start(), SIDE_EFFECT, m.group(0))
            for m in _SUFFIX_HARM.finditer(sentence)
            if m.start() not in seen
        )
        found.sort(key=lambda h: h.start)
    return found


def _dismissed(sentence: str, start: int, end: int) -> bool:
    """Negated or averted by the words just before, or negated by the words just after."""
    if _DISMISSED_BEFORE.search(sentence, max(0, start - _BEFORE_WINDOW), start):
        return True
    return bool(_DISMISSED_AFTER.match(sentence, end))


def _structural_events(sentence: str, subjects: _Subjects) -> list[_Harm]:
    """Events the lexicon does not name, told by the shape of the sentence."""
    if not _ANY_PERSON.search(sentence) or not subjects.drug:
        return []
    if _BEFORE_EXPOSURE.search(sentence):
        return []
    found: list[_Harm] = []
    for pattern, names_person in ((_EVENT_VERB, False), (_PATIENT_HAS, True)):
        for match in pattern.finditer(sentence):
            if not names_person and not _ANY_PERSON.search(sentence, 0, match.start()):
                continue
            told = match.group("object")
            if _NEUTRAL_OBJECT.match(told) or _POSITIVE.search(" ".join(told.split()[:8])):
                continue
            found.append(_Harm(match.start(), SYMPTOM, " ".join(match.group(0).split()[:6])))
    for match in _IN_PATIENT_ON.finditer(sentence):
        told = " ".join(sentence[: match.start()].split()[-4:])
        if told and not _POSITIVE.search(told) and not _USE_WORDS.search(told):
            found.append(_Harm(match.start(), SYMPTOM, f"{told} {match.group(0)}"))
    if not found and _ONE_PATIENT.search(sentence) and not _POSITIVE.search(sentence):
        body = _BODY.search(sentence)
        if body:
            found.append(_Harm(body.start(), SYMPTOM, body.group(0)))
    return found


def _live_harms(sentence: str, subjects: _Subjects) -> list[_Harm]:
    """The harms of a sentence that are not negated, averted, hypothetical or population
    figures; the structural route is asked only when the lexicon finds nothing."""
    found = [h for h in _harms_in(sentence) if not _dismissed(sentence, h.start, h.end)]
    if not found:
        found = [
            h
            for h in _structural_events(sentence, subjects)
            if not _dismissed(sentence, h.start, h.start)
        ]
    if not found:
        return found
    specific = _SPECIFIC_CASE.search(sentence) is not None
    hypothetical = _HYPOTHETICAL.search(sentence)
    if hypothetical and not specific:
        clause_end = _CLAUSE_END.search(sentence, hypothetical.end())
        scope_end = clause_end.start() if clause_end else len(sentence)
        found = [h for h in found if not hypothetical.start() <= h.start < scope_end]
        if not found:
            return found
    if specific:
        return found
    if _POPULATION.search(_OFF_LABEL.sub(" ", sentence)) and not _ONE_PATIENT_EVENT.search(
        sentence
    ):
        return []
    general = "?" in sentence or _GENERAL.search(sentence)
    if general and not _CASE.search(sentence):
        return []
    return found


def _excerpt(sentences: list[str], harm_sentence: str, harm: _Harm) -> str:
    """The triggering sentences, or as many as fit in ``EXCERPT_CHARS``; a single long sentence
    is cut to a window around its first harm, so PV sees it with its surroundings."""
    joined = " ".join(sentences)
    if len(joined) <= EXCERPT_CHARS:
        return joined
    kept: list[str] = []
    for sentence in sentences:
        if len(" ".join([*kept, sentence])) > EXCERPT_CHARS - 2:
            break
        kept.append(sentence)
    if harm_sentence in kept:
        return " ".join(kept) + " …"
    start = max(0, min(harm.start - EXCERPT_CHARS // 3, len(harm_sentence) - EXCERPT_CHARS))
    window = harm_sentence[start : start + EXCERPT_CHARS - 4]
    if start > 0:
        window = "… " + window.split(" ", 1)[-1]
    if start + EXCERPT_CHARS - 4 < len(harm_sentence):
        window = window.rsplit(" ", 1)[0] + " …"
    return window


def screen(text: str, products: Iterable[str] = ()) -> Screening:
    """Screen one field text for a possible adverse event; ``products`` are the brand and
    generic names of the products the system knows."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    subjects = _Subjects(text, tuple(sorted({p.strip() for p in products if p.strip()})))
    triggered: list[str] = []
    first: tuple[str, _Harm] | None = None
    harms: list[str] = []
    matched: list[str] = []
    patient = False
    for index, sentence in enumerate(sentences):
        live = _live_harms(sentence, subjects)
        if not live:
            continue
        self_subject = _SELF_SUBJECT.search(sentence) is not None
        if not (subjects.terms or self_subject or _PRONOUN.search(sentence)):
            continue
        # Only "he" or "she" to go on: a person, whoever they are.
        patient = patient or bool(subjects.patient) or not (subjects.terms or self_subject)
        if first is None:
            first = (sentence, live[0])
            # The sentence before names the patient or product when this one only says "she".
            if index and not (_PATIENT.search(sentence) or _DRUG_WORD.search(sentence)):
                triggered.append(sentences[index - 1])
        triggered.append(sentence)
        for harm in live:
            if harm.category not in harms:
                harms.append(harm.category)
            if harm.term.lower() not in (m.lower() for m in matched):
                matched.append(harm.term)

    if first is None:
        return Screening(possible_ae=False)
    if _OFF_LABEL.search(text):
        harms.append(OFF_LABEL_HARM)
    for term in subjects.terms:
        if term.lower() not in (m.lower() for m in matched):
            matched.append(term)
    return Screening(
        possible_ae=True,
        excerpt=_excerpt(triggered, *first),
        harms=harms,
        subject="patient" if patient else "product",
        matched=matched,
    )
