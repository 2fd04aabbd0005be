"""Adverse-event screening: precision and recall measured on labelled field sentences, and the
behaviour per harm category, negation and context.

The labelled sets in ``tests/insights/data/`` and how far each figure can be trusted:

- ``ae_labelled.csv`` (414 sentences, 200 AEs): written before the screener. Every 4th row (103)
  was held out: tuning looked at errors on the other rows only. The rules were still written by
  someone who had read all of them, so even the held-out figure flatters the screener.
- ``ae_labelled_round2.csv`` (154, 97 AEs): written after the first version and measured once,
  at recall 0.557 and precision 1.0; then used for tuning.
- ``ae_labelled_round3.csv`` (132, 72 AEs): written after the second version and measured once,
  at recall 0.736 and precision 0.828; then used for tuning.
- ``ae_unseen.csv`` (112, 58 AEs): written after the last change to the rules and never tuned on.
  It is the honest figure for wording the rules have not seen: recall 0.81, precision 0.887.

Labelling rules. An AE (1) is a mention of an individual (a patient, a relative, the HCP
themself, a described case in a publication) exposed to a product, with a harm: symptom or side
effect, hospitalisation, death, pregnancy or breastfeeding exposure (with or without outcome,
paternal exposure included), overdose or medication error, lack of effect, off-label use with
harm. Mild, resolved or doubtful-causality events count; so do events on competitors' products
(pharmacovigilance decides whose they are). Not an AE (0): population-level results of trials,
registries, analyses and labels (rates, percentages per arm, counts in a study: they describe no
individual case and are already in the sponsor's safety data or literature surveillance),
general safety questions and concerns, hypotheticals, negated harms, off-label use without harm,
pregnancy plans and questions, access and dosing talk, and word traps ("admitted that",
"dying to see").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kolbridge.insights import screening
from kolbridge.insights.screening import EXCERPT_CHARS, screen

DATA = Path(__file__).parent / "data"
PRODUCTS = ("Zentorix", "Cardiovel", "Glyvanta", "Neuravex", "Pulmira", "Hemalux", "Dermavia")
TUNED = ("ae_labelled.csv", "ae_labelled_round2.csv", "ae_labelled_round3.csv")


def rows_of(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp)

    def __str__(self) -> str:
        shown = "\n  ".join(self.errors[:15])
        return (
            f"recall {self.recall:.3f}, precision {self.precision:.3f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn})\n  {shown}"
        )


def measure(rows: list[dict[str, str]]) -> Confusion:
    confusion = Confusion()
    for row in rows:
        flagged = screen(row["text"], PRODUCTS).possible_ae
        is_ae = row["is_ae"] == "1"
        if flagged and is_ae:
            confusion.tp += 1
        elif flagged:
            confusion.fp += 1
            confusion.errors.append(f"FP {row['text']}")
        elif is_ae:
            confusion.fn += 1
            confusion.errors.append(f"FN {row['text']}")
        else:
            confusion.tn += 1
    return confusion


# --- the labelled sets ----------------------------------------------------------------------


def test_labelled_sets_are_large_varied_and_about_half_adverse_events():
    main = rows_of("ae_labelled.csv")
    every = [row for name in (*TUNED, "ae_unseen.csv") for row in rows_of(name)]
    assert len(main) >= 360
    assert 0.4 <= sum(r["is_ae"] == "1" for r in main) / len(main) <= 0.6
    assert len({r["text"] for r in every}) == len(every), "a sentence is labelled twice"
    assert {r["is_ae"] for r in every} == {"0", "1"}


def test_recall_and_precision_on_the_tuned_labelled_sets():
    confusion = measure([row for name in TUNED for row in rows_of(name)])
    print(f"\nlabelled sets (700 sentences): {confusion}")
    # measured: recall 0.995, precision 0.997
    assert confusion.recall >= 0.99, str(confusion)
    assert confusion.precision >= 0.99, str(confusion)


def test_recall_and_precision_on_the_held_out_quarter():
    confusion = measure(rows_of("ae_labelled.csv")[3::4])
    print(f"\nheld-out quarter of ae_labelled.csv (103 sentences): {confusion}")
    # measured: recall 0.980, precision 1.000
    assert confusion.recall >= 0.97, str(confusion)
    assert confusion.precision >= 0.97, str(confusion)


def test_recall_and_precision_on_sentences_written_after_the_last_change():
    confusion = measure(rows_of("ae_unseen.csv"))
    print(f"\nunseen sentences (112): {confusion}")
    # measured at first contact and never tuned on: recall 0.810, precision 0.887
    assert confusion.recall >= 0.80, str(confusion)
    assert confusion.precision >= 0.85, str(confusion)


# --- each kind of harm ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "harm"),
    [
        ("One of her patients on Zentorix developed a severe rash.", "side effect"),
        ("Pt on Cardiovel c/o dizzyness and low BP.", "side effect"),
        ("SAE reported: pt on Zentorix with febrile neutropenia.", "side effect"),
        ("Her patient's ALT went up to five times the upper limit on Zentorix.", "side effect"),
        ("He saw QT prolongation in a patient on Zentorix and ondansetron.", "side effect"),
        ("Dr Ahmed discontinued Zentorix in a patient due to intolerable fatigue.", "side effect"),
        ("A patient on Dermavia developed conjunctivitis.", "side effect"),
        ("Her patient on Glyvanta was hospitalised with pancreatitis.", "hospitalisation"),
        ("KOL said a patient on Hemalux ended up in the ER with a major bleed.", "hospitalisation"),
        ("Her patient was admitted to the ICU with DKA on empagliflozin.", "hospitalisation"),
        ("A patient of hers on Zentorix died of a pulmonary embolism.", "death"),
        ("A 79-year-old on Hemalux passed away after a bleed.", "death"),
        ("He lost a patient on pembrolizumab to myocarditis.", "death"),
        ("A patient of Dr Kim became pregnant while on Zentorix.", "pregnancy exposure"),
        ("Her patient on Neuravex is breastfeeding.", "pregnancy exposure"),
        ("Her patient on Dermavia is now pregnant, about 6 weeks.", "pregnancy exposure"),
        ("A patient took double the dose of Zentorix for a week by mistake.", "overdose"),
        ("A toddler accidentally swallowed several Hemalux tablets.", "overdose"),
        ("Pharmacy dispensed Zentorix 160 mg instead of 80 mg.", "medication error"),
        ("Her patient progressed despite six months of Zentorix.", "lack of effect"),
        ("Cardiovel is not working in two of his patients.", "lack of effect"),
        ("Zentorix has not shrunk the tumour at all in her patient.", "lack of effect"),
        ("KOL used Zentorix off-label in a child who then developed a rash.", "side effect"),
    ],
)
def test_each_kind_of_harm_is_flagged_with_its_category(text: str, harm: str):
    result = screen(text, PRODUCTS)
    assert result.possible_ae, text
    assert harm in result.harms, result


def test_off_label_use_with_harm_is_named_and_off_label_use_alone_is_not_flagged():
    harmed = screen("KOL used Zentorix off-label in a child who developed a rash.", PRODUCTS)
    assert harmed.harms == ["side effect", "off-label use with harm"]
    assert not screen("KOL uses Zentorix off-label in a rare tumour type.", PRODUCTS).possible_ae


def test_an_event_the_lexicon_does_not_name_is_found_by_the_shape_of_the_sentence():
    for text in (
        "Patient on Dermavia keeps getting styes.",
        "Dr Olsen's patient on Glyvanta has night sweats.",
        "KOL noted hair brittleness in a woman on Zentorix.",
        "The skin on her patient's hands is splitting since Zentorix was started.",
    ):
        result = screen(text, PRODUCTS)
        assert result.possible_ae and result.harms == ["symptom"], (text, result)


def test_a_body_part_is_not_a_trial_arm():
    assert screen("Patient on Dermavia has a rash under the arm.", PRODUCTS).possible_ae


def test_adverse_events_on_competitor_products_are_flagged():
    assert screen("One of his patients on Jardiance had Fournier's gangrene.", PRODUCTS).possible_ae


# --- negation, hypotheticals and context ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "KOL said her patients on Zentorix have had no side effects so far.",
        "Her patient denied any adverse events at follow-up on Glyvanta.",
        "Dr Okafor has used Cardiovel in 40 patients without a single hospitalisation.",
        "No rash, no diarrhoea, no LFT changes in his first ten Zentorix patients.",
        "None of the women in her clinic became pregnant on Dermavia.",
        "Nobody in her practice has been hospitalised on Cardiovel.",
        "Patient denies nausea, vomiting or abdominal pain since starting semaglutide.",
        "There was no overdose; the patient took the prescribed dose.",
    ],
)
def test_negated_harms_are_not_flagged(text: str):
    assert not screen(text, PRODUCTS).possible_ae, screen(text, PRODUCTS)


@pytest.mark.parametrize(
    "text",
    [
        "If a patient were to develop a rash on Zentorix, should the dose be held?",
        "KOL asked what to do in case of an overdose of Hemalux.",
        "What happens if a woman becomes pregnant while on Dermavia?",
        "The label lists rash and diarrhoea as the most common adverse reactions of Zentorix.",
        "KOL discussed grade 3 neutropenia in 12% of the trial arm versus 4% with placebo.",
        "Two deaths in the treatment arm were judged unrelated by the investigators.",
        "KOL is concerned about the risk of hypoglycaemia with Glyvanta and sulfonylureas.",
        "She presented data showing a 25% reduction in heart failure hospitalisations.",
        "Several patients stopped Cardiovel because of the copay after the coupon expired.",
        "Dr. Okafor admitted she has not read the new publication.",
        "KOL is dying to see the overall survival data on Zentorix.",
        "Her patient on Zentorix has had a complete response for 18 months.",
    ],
)
def test_hypotheticals_population_figures_and_everyday_words_are_not_flagged(text: str):
    assert not screen(text, PRODUCTS).possible_ae, screen(text, PRODUCTS)


def test_a_negation_does_not_reach_past_a_contrast():
    assert screen("No rash so far, but her patient on Zentorix has bad diarrhoea.").possible_ae
    result = screen("The patient had no bleeding, but was admitted with a fall on Hemalux.")
    assert result.possible_ae and "hospitalisation" in result.harms


def test_a_particular_patient_in_a_question_or_a_trial_is_flagged():
    assert screen(
        "KOL asked whether the rash her patient developed on Zentorix needs a dose cut.", PRODUCTS
    ).possible_ae
    assert screen(
        "In the phase 3 study at her site, her patient on Zentorix died of liver failure.",
        PRODUCTS,
    ).possible_ae


# --- what the result carries ----------------------------------------------------------------


def test_result_names_the_harm_the_subject_the_terms_and_the_sentence():
    text = "Good meeting on access. Her patient on Zentorix was hospitalised with pneumonitis."
    result = screen(text, PRODUCTS)
    assert result.possible_ae
    assert result.excerpt == "Her patient on Zentorix was hospitalised with pneumonitis."
    assert result.harms == ["hospitalisation", "side effect"]
    assert result.subject == "patient"
    assert result.matched[:2] == ["hospitalised", "pneumonitis"]
    assert "Zentorix" in result.matched


def test_subject_is_the_product_when_no_patient_is_named():
    result = screen("Zentorix caused hepatotoxicity, the KOL said.", PRODUCTS)
    assert result.possible_ae and result.subject == "product"


def test_excerpt_keeps_the_sentence_before_when_the_harm_sentence_only_says_she():
    text = "Dr Okafor has a 45-year-old patient on Zentorix. Last week she developed jaundice."
    assert screen(text, PRODUCTS).excerpt == text


def test_excerpt_of_a_long_text_is_trimmed_around_the_harm():
    filler = "The KOL talked at length about the design of the next registry and its endpoints "
    text = filler * 6 + "and her patient on Zentorix developed a severe rash " + filler * 6
    result = screen(text, PRODUCTS)
    assert result.possible_ae
    assert len(result.excerpt) <= EXCERPT_CHARS
    assert "severe rash" in result.excerpt


def test_known_products_are_the_callers_and_their_pattern_is_compiled_once():
    text = "Xyloprin caused a bad rash, the KOL said."
    assert not screen(text).possible_ae  # an unknown invented brand, no patient, no drug word
    screen(text, ["Xyloprin"])
    before = screening._product_pattern.cache_info()
    assert screen(text, ["Xyloprin"]).possible_ae
    after = screening._product_pattern.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_holds_no_adverse_event(text: str):
    assert screen(text, PRODUCTS) == screening.Screening(possible_ae=False)
