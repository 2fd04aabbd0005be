"""Benchmark of the insight workloads that run without a server.

- **Screening throughput**: the adverse-event screening of field text
  (``kolbridge.insights.screening.screen``) over 100,000 realistic insights by default, in this
  one process pinned to one core. Texts are one to three sentences recombined deterministically
  from a vocabulary of field-insight sentences (opinions, access, data, dosing, patient stories,
  some safety mentions, some negated), with the demo's product names passed as known products.
  Each run screens every text once; the figure is the median of the runs, counted per CPU
  second of the process (what one core does, whatever else the machine is running), with the
  wall-clock rate beside it.
- **Theme grouping**: 100,000 insights by default, written from per-area topic vocabularies
  (renal dosing, prior authorization, biosimilar switching ...) in varied sentences, spread over
  three therapeutic areas, their products (and none) and the four quarters of 2025. On a fresh
  migrated database (SQLite in a temporary folder, or a temporary PostgreSQL with
  ``--postgres``) it times the pure grouping of every (area, product, quarter) group
  (``kolbridge.insights.themes.group_texts``), then the nightly regrouping
  (``theme_regroup_all``: reading, grouping, matching to stored themes, writing themes and
  memberships, auditing) twice, the second time with nothing changed. The target is on the
  first regrouping's wall-clock time; its CPU time is beside it. It runs on the same one core.

Prints one JSON object on stdout (sizes, the measurements, the targets and whether each is met);
progress goes to stderr.

    python benchmarks/insights.py                  # 100,000 texts, 5 runs
    python benchmarks/insights.py --texts 20000 --insights 20000   # a quick run
    python benchmarks/insights.py --postgres       # theme grouping on a temporary PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import harness
from kolbridge.insights.screening import screen

TARGETS = {"screening_texts_per_second": 2000.0, "theme_grouping_ms": 60_000.0}

PRODUCTS = ("Zentorix", "zentorinib", "Cardiovel", "Glyvanta", "Neuravex", "Pulmira", "Hemalux")
COMPETITORS = ("Tagrisso", "Jardiance", "Ozempic", "Eliquis", "Keytruda", "Entresto")
KOLS = ("Dr Okafor", "Prof Lindqvist", "the KOL", "Dr Chen", "the HCP", "Dr Mensah", "she", "he")
TOPICS = (
    "renal dosing",
    "use in the elderly",
    "sequencing after progression",
    "CNS penetration",
    "the CHAMPION data",
    "real-world evidence",
    "the subgroup with diabetes",
    "injection technique",
    "switching from the competitor",
    "monitoring requirements",
)
HARMS = (
    "a rash",
    "severe diarrhoea",
    "neutropenia",
    "elevated liver enzymes",
    "dizziness and a fall",
    "pancreatitis",
    "an infusion reaction",
    "hyperkalaemia",
)

# Sentences of field insights, most of them what MSLs write every day; a minority tell of a
# patient, and some of those of a harm (some negated, some hypothetical).
SENTENCES = (
    "{kol} believes {product} could become first line within two years.",
    "{kol} asked for more data on {topic}.",
    "{kol} finds the {product} deck clear but too long for residents.",
    "Prior authorisation for {product} takes three weeks at her centre.",
    "The regional formulary prefers {competitor} for new patients.",
    "{kol} wants an FAQ on {topic} for {product}.",
    "Payers in the region require step therapy before {product}.",
    "Discussed {topic} and the design of the next investigator-initiated study.",
    "{kol} thinks {competitor} has better brand recognition among cardiologists.",
    "{kol} is interested in speaking at the {product} symposium.",
    "What is the recommended {product} dose in patients over 75?",
    "{kol} asked whether {product} can be taken with food.",
    "The hospital pharmacy wants a longer expiry on the {product} vials.",
    "{kol} uses {product} off-label in a rare tumour type with good results.",
    "{kol} is concerned about the cost of {product} for community practices.",
    "The label lists {harm} among the common adverse reactions of {product}.",
    "In the phase 3 trial, {harm} occurred in {n}% of patients on {product}.",
    "{kol} is worried about {harm} with {product} in frail patients.",
    "If a patient develops {harm} on {product}, should the dose be held?",
    "Her patient on {product} has had a complete response for {n} months.",
    "One of her patients on {product} went from weekly attacks to one a month.",
    "His patients on {product} have had no side effects so far.",
    "A patient on {product} asked whether she can travel to high altitude.",
    "One of her patients on {product} developed {harm} after the second dose.",
    "A {n}-year-old man on {product} was admitted with {harm}.",
    "{kol} mentioned a patient on {competitor} with {harm}.",
    "Her patient's {harm} resolved after {product} was paused.",
)


def build_texts(count: int, seed: int) -> list[str]:
    """``count`` insights of one to three sentences, the same ones for the same seed."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        sentences = []
        for template in rng.choices(SENTENCES, k=rng.choice((1, 1, 2, 2, 2, 3))):
            sentence = template.format(
                kol=rng.choice(KOLS),
                product=rng.choice(PRODUCTS),
                competitor=rng.choice(COMPETITORS),
                topic=rng.choice(TOPICS),
                harm=rng.choice(HARMS),
                n=rng.randint(2, 80),
            )
            sentences.append(sentence[0].upper() + sentence[1:])
        texts.append(" ".join(sentences))
    return texts


def pin_to_one_core() -> int | None:
    """Run on one core, as the target says; the core's number, where the OS allows pinning."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def measure_screening(texts: Sequence[str], runs: int) -> dict[str, Any]:
    """Screen every text ``runs`` times over; texts per CPU second and per wall second."""
    screen(texts[0], PRODUCTS)  # compile the product pattern before the clock starts
    cpu_rates, wall_rates = [], []
    flagged = 0
    for run in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        flagged = sum(screen(text, PRODUCTS).possible_ae for text in texts)
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        cpu_rates.append(len(texts) / cpu)
        wall_rates.append(len(texts) / wall)
        harness.log(
            f"  run {run + 1}/{runs}: {cpu_rates[-1]:,.0f} texts per CPU second, "
            f"{wall_rates[-1]:,.0f} per wall second"
        )
    return {
        "texts": len(texts),
        "runs": runs,
        "mean_chars_per_text": round(sum(map(len, texts)) / len(texts)),
        "flagged_share": round(flagged / len(texts), 3),
        "texts_per_second": round(statistics.median(cpu_rates)),
        "texts_per_wall_second": round(statistics.median(wall_rates)),
        "microseconds_per_text": round(1e6 / statistics.median(cpu_rates), 1),
    }


# --- Theme grouping -------------------------------------------------------------------------
#
# A deterministic corpus with a real topic structure: per therapeutic area, topics with the
# phrases field insights use for them (and topics every area shares: access, adherence,
# real-world evidence ...), written in varied sentences with the filler MSLs add, some insights
# touching two topics, some saying nothing in particular. Areas, products (and no product) and
# the quarters of 2025 are drawn unevenly, as they come from the field.

THEME_SHARED_TOPICS = {
    "prior authorization": [
        "prior authorization delays",
        "payer prior authorization denials",
        "step therapy before prior authorization",
        "appeal letters for payer denials",
        "payer coverage delays",
        "prior authorization paperwork",
    ],
    "copay": [
        "copay assistance",
        "out-of-pocket copay costs",
        "copay card eligibility",
        "patient affordability and copay",
        "foundation copay funding",
        "high deductible plans and copay",
    ],
    "adherence": [
        "adherence to therapy",
        "missed doses and adherence",
        "pill burden and adherence",
        "dosing schedule adherence",
        "adherence and persistence",
        "refill gaps in adherence",
    ],
    "real-world evidence": [
        "real-world evidence",
        "real-world registry data",
        "real-world outcomes outside trials",
        "community real-world outcomes",
        "retrospective real-world chart review",
        "claims database real-world analysis",
    ],
    "elderly": [
        "elderly patients over 75",
        "frail elderly",
        "geriatric assessment in the elderly",
        "elderly excluded from trials",
        "comorbidities in the elderly",
        "polypharmacy in elderly",
    ],
    "guidelines": [
        "guideline update",
        "guideline positioning",
        "guideline category 1 recommendation",
        "society guideline",
        "pathway committees and guidelines",
        "clinical pathway guideline inclusion",
    ],
}
THEME_AREA_TOPICS = {
    "ONC": {
        "renal dosing": [
            "renal dosing",
            "dose adjustment in renal impairment",
            "renal function below eGFR 30",
            "dialysis patients and renal clearance",
            "kidney function monitoring",
            "renal impairment data",
        ],
        "liver safety": [
            "ALT elevations and liver monitoring",
            "hepatotoxicity in the liver safety data",
            "liver function tests every two weeks",
            "transaminase rises and liver injury",
            "hepatic impairment dosing",
            "liver enzyme monitoring schedule",
        ],
        "sequencing": [
            "second-line sequencing",
            "sequencing after immunotherapy failure",
            "progression on first line and sequencing",
            "treatment sequence after progression",
            "rechallenge after progression",
            "sequencing of maintenance therapy",
        ],
        "infusion": [
            "infusion reactions",
            "premedication before infusion",
            "infusion chair capacity",
            "subcutaneous versus infusion",
            "infusion duration",
            "infusion nurse time",
        ],
        "biomarkers": [
            "PD-L1 biomarker testing",
            "biomarker testing turnaround",
            "tissue for biomarker testing",
            "liquid biopsy biomarker",
            "NGS biomarker panel",
            "pathology delays in biomarker results",
        ],
        "brain metastases": [
            "brain metastases",
            "CNS penetration in brain metastases",
            "intracranial response in brain metastases",
            "leptomeningeal and brain disease",
            "brain radiotherapy combination",
            "CNS progression in the brain",
        ],
    },
    "CARD": {
        "bleeding": [
            "bleeding risk with anticoagulation",
            "major bleeding events",
            "bleeding on dual antiplatelet therapy",
            "reversal agent for bleeding",
            "gastrointestinal bleeding",
            "bleeding risk scores",
        ],
        "lipids": [
            "LDL targets",
            "LDL lowering below 55",
            "statin intolerance and LDL",
            "lipid panel monitoring",
            "LDL goal attainment",
            "combination lipid therapy",
        ],
        "heart failure": [
            "heart failure hospitalization",
            "ejection fraction thresholds in heart failure",
            "heart failure titration",
            "diuretic use in heart failure",
            "heart failure readmissions",
            "NT-proBNP in heart failure",
        ],
        "interactions": [
            "drug interactions with statins",
            "CYP3A4 interactions",
            "interaction with antiarrhythmics",
            "amiodarone interaction",
            "interaction checks in polypharmacy",
            "grapefruit interaction counselling",
        ],
        "monitoring": [
            "blood pressure monitoring",
            "home blood pressure readings",
            "ambulatory blood pressure",
            "potassium monitoring",
            "creatinine and potassium checks",
            "remote monitoring devices",
        ],
    },
    "IMM": {
        "injection": [
            "injection site reactions",
            "autoinjector usability",
            "injection frequency",
            "self-injection training",
            "needle phobia and injection",
            "injection pen design",
        ],
        "infections": [
            "serious infection risk",
            "TB screening before biologics",
            "herpes zoster infections",
            "infection monitoring",
            "vaccination before biologics",
            "hepatitis B screening",
        ],
        "biosimilars": [
            "biosimilar switching",
            "interchangeability of biosimilars",
            "biosimilar nocebo effect",
            "biosimilar formulary switch",
            "biosimilar pricing",
            "biosimilar uptake",
        ],
        "dosing interval": [
            "dosing interval extension",
            "dose escalation for loss of response",
            "every eight weeks dosing",
            "therapeutic drug monitoring",
            "trough levels and dosing",
            "interval shortening",
        ],
        "pregnancy": [
            "pregnancy planning on biologics",
            "pregnancy registry data",
            "breastfeeding and biologics",
            "contraception counselling",
            "placental transfer in pregnancy",
            "pregnancy outcomes data",
        ],
    },
}
THEME_PRODUCTS = {
    "ONC": ["Zentorix", "Onvaltra"],
    "CARD": ["Cardiomex", "Lipivane"],
    "IMM": ["Immunova", "Dermaflex"],
}
THEME_OPENERS = [
    "",
    "",
    "",
    "Reports that ",
    "In clinic, ",
    "Tumor board view: ",
    "Community specialist: ",
    "Academic center: ",
    "Pharmacist view: ",
]
THEME_VERBS = [
    "is a growing concern",
    "remains unclear",
    "limits use",
    "varies across sites",
    "needs clearer guidance",
    "drives hesitancy",
    "was raised again",
    "is the main barrier",
    "comes up often",
    "is underestimated",
]
THEME_TAILS = [
    "",
    "",
    "",
    "",
    "in smaller practices",
    "for new starts",
    "since the label update",
    "in the outpatient setting",
    "in rural areas",
]
THEME_CLOSERS = [
    "",
    "",
    "",
    "",
    "Would welcome more data.",
    "Asked for a follow-up.",
    "Suggested an advisory board topic.",
]
THEME_NOISE = [
    "Good meeting overall.",
    "No specific feedback this time.",
    "Interested in the congress schedule.",
    "General discussion about the pipeline.",
]


def theme_insight_text(rng: random.Random, area: str, product: str | None) -> str:
    topics = {**THEME_AREA_TOPICS[area], **THEME_SHARED_TOPICS}
    if rng.random() < 0.04:
        return f"{rng.choice(THEME_NOISE)} {rng.choice(THEME_CLOSERS)}".strip()
    names = list(topics)
    # Half the insights follow a long tail (a few topics dominate a quarter), half are even.
    if rng.random() < 0.5:
        topic = names[min(int(rng.paretovariate(1.2)) - 1, len(names) - 1)]
    else:
        topic = rng.choice(names)
    first, second = rng.sample(topics[topic], 2)
    subject = f"{first} with {product}" if product and rng.random() < 0.3 else first
    text = f"{rng.choice(THEME_OPENERS)}{subject} {rng.choice(THEME_VERBS)} "
    text = f"{text}{rng.choice(THEME_TAILS)}".strip() + "."
    if rng.random() < 0.15:
        other = topics[rng.choice(names)]
        text += f" Also {rng.choice(other)} {rng.choice(THEME_VERBS)}."
    else:
        text += f" {second[0].upper()}{second[1:]} {rng.choice(THEME_VERBS)}."
    return f"{text} {rng.choice(THEME_CLOSERS)}".strip()


def theme_corpus(count: int, seed: int) -> list[tuple[str, str | None, int, int, str]]:
    """``count`` insights as (area code, product name or None, quarter of 2025 from 0, day of
    the quarter, text)."""
    rng = random.Random(seed)
    areas = list(THEME_AREA_TOPICS)
    rows = []
    for _ in range(count):
        area = rng.choices(areas, weights=[5, 3, 2])[0]
        product = rng.choice([*THEME_PRODUCTS[area], *THEME_PRODUCTS[area], None])
        quarter, day = rng.randrange(4), rng.randrange(90)
        rows.append((area, product, quarter, day, theme_insight_text(rng, area, product)))
    return rows


# Runs inside Django on the benchmark's fresh database: the pure grouping of every group, then
# the insights loaded as rows (bulk, without the capture service: its screening and audit are
# measured elsewhere) and ``theme_regroup_all`` as the nightly task runs it, twice (the second
# run finds nothing changed and writes nothing).
THEME_PROBE = """
import json, sys, time
from collections import defaultdict
from datetime import date, datetime, timedelta
sys.path.insert(0, BENCHMARKS_DIR)
from django.utils import timezone
from kolbridge.core.models import Product, TherapeuticArea, User
from kolbridge.insights.models import Insight, Theme, ThemeMembership
from kolbridge.insights.themes import group_texts, theme_regroup_all
from insights import THEME_PRODUCTS, theme_corpus

rows = theme_corpus(COUNT, SEED)
groups = defaultdict(list)
for area, product, quarter, _, text in rows:
    groups[(area, product or "", quarter)].append(text)
started = time.perf_counter()
pure_themes = sum(len(group_texts(texts)) for _, texts in sorted(groups.items()))
pure_seconds = time.perf_counter() - started

areas = {code: TherapeuticArea.objects.create(code=code, name=code) for code in THEME_PRODUCTS}
products = {
    name: Product.objects.create(name=name, therapeutic_area=areas[code])
    for code, names in THEME_PRODUCTS.items() for name in names
}
msl = User.objects.create(username="theme_bench_msl", role="msl")
quarters = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)]
Insight.objects.bulk_create(
    [
        Insight(
            text=text,
            category="clinical_practice",
            therapeutic_area=areas[area],
            product=products[product] if product else None,
            captured_by=msl,
            captured_at=timezone.make_aware(
                datetime.combine(quarters[quarter] + timedelta(days=day), datetime.min.time())
                + timedelta(hours=9 + i % 9)
            ),
            status="accepted" if i % 3 else "new",
        )
        for i, (area, product, quarter, day, text) in enumerate(rows)
    ],
    batch_size=5000,
)
started, cpu = time.perf_counter(), time.process_time()
first = theme_regroup_all()
full_seconds, full_cpu = time.perf_counter() - started, time.process_time() - cpu
started = time.perf_counter()
again = theme_regroup_all()
again_seconds = time.perf_counter() - started
print(json.dumps({
    "groups": len(groups),
    "largest_group": max(len(t) for t in groups.values()),
    "pure_grouping_seconds": round(pure_seconds, 1),
    "pure_themes": pure_themes,
    "regroup_seconds": round(full_seconds, 1),
    "regroup_cpu_seconds": round(full_cpu, 1),
    "regrouped_groups": len(first),
    "themes": Theme.objects.count(),
    "memberships": ThemeMembership.objects.count(),
    "unchanged_regroup_seconds": round(again_seconds, 1),
    "unchanged_groups_written": sum(1 for r in again if r.changed),
}))
"""


def measure_theme_grouping(
    insights: int, seed: int, *, postgres: bool = False, keep: bool = False
) -> dict[str, Any]:
    """Theme grouping of ``insights`` insights on a fresh database: the pure grouping of every
    (area, product, quarter) group, and the full nightly regrouping (reading, grouping,
    matching, writing themes and memberships, auditing), then again with nothing changed."""
    where = argparse.Namespace(postgres=postgres, database_url=None, keep=keep, seed=seed)
    code = (
        THEME_PROBE.replace("BENCHMARKS_DIR", repr(str(Path(__file__).resolve().parent)))
        .replace("COUNT", str(insights))
        .replace("SEED", str(seed))
    )
    with harness.Stack(where) as stack:
        harness.log(f"Grouping {insights:,} insights into themes …")
        figures: dict[str, Any] = stack.probe(code)
    figures["database"] = "postgresql" if postgres else "sqlite"
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=100_000, help="Insights to screen (100,000)")
    parser.add_argument("--runs", type=int, default=5, help="Runs; the median counts (5)")
    parser.add_argument("--seed", type=int, default=42, help="Text mix seed (42)")
    parser.add_argument(
        "--insights", type=int, default=100_000, help="Insights to group into themes (100,000)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"Group themes on a temporary PostgreSQL 15 from {harness.PG_BIN} (not SQLite)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the theme grouping's temporary folder"
    )
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    core = pin_to_one_core()
    harness.log(f"Building {args.texts:,} texts …")
    texts = build_texts(args.texts, args.seed)
    harness.log(f"Screening them {args.runs} times on core {core} …")
    screening = measure_screening(texts, args.runs)
    themes = measure_theme_grouping(
        args.insights, args.seed, postgres=args.postgres, keep=args.keep
    )

    measured = {
        "screening_texts_per_second": screening["texts_per_second"],
        "theme_grouping_ms": round(themes["regroup_seconds"] * 1000),
    }
    targets = harness.judge(TARGETS, measured)
    document = {
        "benchmark": "insights",
        "sizes": {"texts": args.texts, "insights_grouped": args.insights},
        "machine": {
            "cpus": os.cpu_count(),
            "pinned_to_core": core,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "screening": screening,
        "theme_grouping": themes,
        "targets": targets,
        "all_targets_met": all(t["met"] for t in targets.values()),
    }
    print(json.dumps(document, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
