"""The words of the demo's field insights: what KOLs tell MSLs about the demo products, grouped
in topics so that the automatic grouping finds real themes, with the medical lead's wording,
theme names, summaries and actions; the adverse events KOLs mention; product managers'
questions; review notes and pharmacovigilance closing reasons.

Plain data with no Django imports, like ``data.py``. Templates take ``{brand}`` and
``{generic}`` (the product's names), ``{age}``, ``{n}``, ``{weeks}`` and ``{pct}`` (numbers
drawn per insight); openers and adverse-event frames also take ``{name}`` (the KOL as an MSL
addresses them) and ``{institution}``. A clause starts in lower case, so that it can follow an
opener ("Dr Chen says ..."); a template that starts with a placeholder is written as it reads.
``[a|b]`` in a clause offers ways to say the same thing, one drawn per insight: the words that
carry the topic stay, the rest varies, so the grouping finds topics rather than sentences.

None of the topic wording screens as a possible adverse event except one clause kept on
purpose (a hospital stay for Lumezra's step-up doses: a recall-first screener flags it, and
pharmacovigilance closes it as a false alarm), and every adverse-event frame does
(``tests/demo/test_insights_demo.py`` holds both to that).
"""

from __future__ import annotations

from dataclasses import dataclass

UNMET_NEED = "unmet_need"
CLINICAL_PRACTICE = "clinical_practice"
COMPETITIVE = "competitive"
PRODUCT_PERCEPTION = "product_perception"
DATA_GAP = "data_gap"
ACCESS = "access"
SAFETY = "safety"

# Decisions of ``InsightAction`` (kept as plain strings here, like the categories).
ACT = "act"
NEW_CONTENT = "new_content"
EVIDENCE = "evidence"
PLAN = "plan"
NO_ACTION = "no_action"


@dataclass(frozen=True)
class Facet:
    """One angle of a topic: clauses an MSL writes about it, and the wording a medical lead
    gives such an insight when rewording it."""

    label: str
    clauses: tuple[str, ...]
    reworded: str


@dataclass(frozen=True)
class ActionSpec:
    """What medical decides to do about a theme of this topic, and what came of it."""

    decision: str
    action: str
    outcome: str


@dataclass(frozen=True)
class Topic:
    """Something many KOLs say about a product (or about the area, ``product`` None).

    ``trend`` is the topic's relative weight at the start and at the end of the demo's 18
    months: a competitor's launch makes its topic rise, a testing programme makes delays fall.
    """

    key: str
    area: str
    product: str | None
    category: str
    label: str
    tags: tuple[str, ...]
    facets: tuple[Facet, ...]
    details: tuple[str, ...]
    summary: str  # a released theme's summary; ``{size}`` is the theme's number of insights
    action: ActionSpec
    weight: float = 1.0
    trend: tuple[float, float] = (1.0, 1.0)


# How an MSL begins an insight; ``{clause}`` is one of a facet's clauses.
PLAIN_OPENER = "{clause}"
NAMED_OPENERS: tuple[str, ...] = (
    "{name} says {clause}",
    "{name} noted that {clause}",
    "{name} made the point that {clause}",
    "According to {name}, {clause}",
    "{name} feels strongly that {clause}",
    "Recurring point from {name}: {clause}",
)
INSTITUTION_OPENERS: tuple[str, ...] = (
    "At {institution}, {clause}",
    "The team at {institution} reports that {clause}",
    "In the department at {institution}, {clause}",
)
GROUP_OPENERS: tuple[str, ...] = (
    "Heard again this month: {clause}",
    "Two attendings in the department agree that {clause}",
    "The fellows raised it too: {clause}",
    "Several colleagues at the regional meeting said {clause}",
)

TOPICS: tuple[Topic, ...] = (
    # --- Oncology, the area as a whole ---------------------------------------------------
    Topic(
        key="onc_chairs",
        area="ONC",
        product=None,
        category=ACCESS,
        label="Infusion chair capacity",
        tags=("infusion capacity", "scheduling"),
        weight=3,
        facets=(
            Facet(
                "chair time and scheduling",
                (
                    "the infusion [suite|unit|day unit] is booked {weeks} weeks ahead and new "
                    "starts wait for a chair",
                    "chair time, not drug choice, now decides how [fast|soon|quickly] a new "
                    "patient starts treatment",
                    "the [day unit|infusion unit] runs [evening|weekend] infusion sessions "
                    "because every chair is taken during the [day|week]",
                    "infusion nurses are the [bottleneck|limiting factor]: chairs stand empty "
                    "when the unit is short-staffed",
                ),
                "Infusion chair capacity delays treatment starts; KOLs report waits of several "
                "weeks for a chair.",
            ),
            Facet(
                "moving to shorter or home administration",
                (
                    "any regimen that frees chair time gets the [pharmacy committee's|formulary "
                    "committee's] attention",
                    "the unit is moving stable patients to [shorter infusions|home "
                    "nursing|shorter infusions or home nursing] to free chairs",
                    "subcutaneous or oral options are [favoured|preferred|chosen] simply because "
                    "they save chair time",
                ),
                "KOLs favour regimens that save infusion chair time (shorter, subcutaneous, oral "
                "or home administration).",
            ),
        ),
        details=(
            "The waiting list for chairs was around {n} patients last time it was counted.",
            "Pharmacy preparation time adds to the wait.",
            "They are lobbying the hospital for a second day unit.",
        ),
        summary=(
            "In {size} field insights, oncology KOLs describe infusion chair capacity, not "
            "drug choice, as what delays treatment starts; regimens that save chair time "
            "(shorter, subcutaneous, oral or at home) are preferred."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the oncology medical plan: chair-time data for each regimen in the "
            "medical information pack",
            "Chair-time comparison added to the medical information pack and presented to the "
            "regional pharmacy leads.",
        ),
    ),
    Topic(
        key="onc_ngs",
        area="ONC",
        product=None,
        category=CLINICAL_PRACTICE,
        label="Biomarker testing turnaround",
        tags=("biomarker testing", "ngs"),
        weight=3,
        trend=(1.4, 0.6),
        facets=(
            Facet(
                "slow next-generation sequencing",
                (
                    "[next-generation sequencing|NGS] results take {weeks} weeks, so [many|too "
                    "many] patients start chemotherapy before the biomarker result is back",
                    "the send-out NGS panel is slow and the [report|biomarker report] "
                    "[often|regularly] arrives after the first-line decision",
                    "[turnaround|slow turnaround] of tissue NGS is the [main|biggest] reason "
                    "targeted therapy starts late",
                ),
                "Slow NGS turnaround (several weeks) means many patients start first-line "
                "treatment before their biomarker result is available.",
            ),
            Facet(
                "reflex and liquid biopsy testing",
                (
                    "reflex [testing|biomarker testing] at diagnosis is still not in place, so "
                    "oncologists order biomarker [panels|tests] one by one",
                    "[plasma-based liquid biopsy|liquid biopsy] is used when the tissue sample is "
                    "insufficient, but it is not reimbursed [everywhere|in every region]",
                    "pathology and oncology have [not agreed|never settled] who orders the "
                    "biomarker [panel|tests]",
                ),
                "KOLs want reflex biomarker testing at diagnosis and reimbursed liquid biopsy "
                "when tissue is insufficient.",
            ),
        ),
        details=(
            "About {pct}% of their samples need a second biopsy for sequencing.",
            "A regional reflex-testing pilot has started.",
            "Tissue stewardship training for bronchoscopists is on their wish list.",
        ),
        summary=(
            "Across {size} field insights, oncology KOLs link late targeted treatment to "
            "slow biomarker testing: sequencing takes weeks, reflex testing at diagnosis is "
            "rare and liquid biopsy is unevenly reimbursed."
        ),
        action=ActionSpec(
            EVIDENCE,
            "Evidence-generation request: real-world study of time from diagnosis to biomarker "
            "result",
            "Protocol approved by the evidence-generation committee; sites being selected.",
        ),
    ),
    Topic(
        key="onc_trials",
        area="ONC",
        product=None,
        category=UNMET_NEED,
        label="Trial access for community patients",
        tags=("clinical trials", "community oncology"),
        weight=1.5,
        facets=(
            Facet(
                "travel to trial sites",
                (
                    "community patients [rarely|seldom] join trials because the nearest "
                    "[site|trial site] is hours away",
                    "eligible patients decline trials because of the [travel|journey] to the "
                    "academic centre",
                ),
                "Community patients have little access to clinical trials because sites are "
                "far away.",
            ),
            Facet(
                "finding open trials",
                (
                    "community oncologists [do not know|have no overview of] which trials are "
                    "open in the region",
                    "a [simple|regional] list of open trials by biomarker would help the "
                    "referring oncologists",
                ),
                "Referring oncologists lack an overview of open trials in their region by "
                "biomarker.",
            ),
        ),
        details=(
            "They would welcome satellite trial sites.",
            "Decentralised trial visits would make a difference for older patients.",
        ),
        summary=(
            "{size} field insights describe community patients cut off from clinical trials "
            "by distance and by referring oncologists not knowing which trials are open."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "New resource: regional list of open company-sponsored trials by biomarker",
            "Trial finder page approved and shared with the MSL team.",
        ),
    ),
    # --- Tavriqo (ravolentinib) --------------------------------------------------------------
    Topic(
        key="tav_hepatic",
        area="ONC",
        product="Tavriqo",
        category=CLINICAL_PRACTICE,
        label="Liver-test burden on Tavriqo",
        tags=("hepatic monitoring", "lab burden"),
        weight=3,
        facets=(
            Facet(
                "fortnightly liver tests",
                (
                    "liver [function tests|tests] every two weeks in the first months of {brand} "
                    "are a burden for patients who live far from the [centre|cancer centre]",
                    "the fortnightly liver panel on {generic} [means|brings] extra visits that "
                    "patients and the clinic find [hard|difficult] to fit in",
                    "[hepatic monitoring|liver monitoring] on {brand} is [seen as|considered] "
                    "more demanding than for other oral targeted drugs",
                    "the liver-test schedule is the first thing the [nurses|oncology nurses] "
                    "mention about starting {generic}",
                ),
                "The fortnightly liver-test schedule in the first months of {brand} is a "
                "burden for patients and clinics.",
            ),
            Facet(
                "local laboratories and results",
                (
                    "patients would [do|have] the liver tests at a local laboratory if the "
                    "results reached the oncology team in time",
                    "results of liver tests done near home arrive [late|too late], so the team "
                    "repeats them at the centre",
                    "a shared-care [protocol|agreement] with the family doctor for the {brand} "
                    "liver [panel|tests] would save many trips",
                ),
                "KOLs want a shared-care route for {brand} liver tests at local laboratories, "
                "with results reaching the oncology team in time.",
            ),
        ),
        details=(
            "Roughly {n} of their patients are on {generic} at the moment.",
            "The clinic nurse spends hours a week chasing lab results.",
            "They asked whether the schedule could be relaxed after the first three months.",
        ),
        summary=(
            "In {size} field insights, KOLs describe the fortnightly liver tests in the first "
            "months of Tavriqo as a burden for patients far from the centre, and ask for "
            "shared care with local laboratories."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "New FAQ on the Tavriqo liver-test schedule and shared care with local laboratories",
            "FAQ approved in MLR review and available to MSLs.",
        ),
    ),
    Topic(
        key="tav_exon20",
        area="ONC",
        product="Tavriqo",
        category=DATA_GAP,
        label="Exon 20 insertions missed by PCR panels",
        tags=("biomarker testing", "exon 20"),
        weight=2,
        trend=(1.3, 0.8),
        facets=(
            Facet(
                "PCR hotspot panels",
                (
                    "PCR hotspot panels miss most exon 20 insertions, so candidates for {brand} "
                    "go [unrecognised|unnoticed]",
                    "a negative PCR result is still [read|reported] as EGFR wild-type [in the "
                    "referring hospitals|by referring hospitals]",
                    "the local laboratory only runs a PCR panel, which does not detect the exon 20 "
                    "insertions {generic} targets",
                ),
                "PCR hotspot panels miss most EGFR exon 20 insertions, so patients eligible "
                "for {brand} are not identified.",
            ),
            Facet(
                "waiting for sequencing before second line",
                (
                    "oncologists wait for [sequencing|the sequencing result] before second line, "
                    "which delays {brand} by weeks",
                    "the exon 20 result [often|regularly] comes back only after platinum has "
                    "started, and nobody revisits it",
                ),
                "Exon 20 results often arrive late and are not revisited when second-line "
                "treatment is chosen.",
            ),
        ),
        details=(
            "They estimate {pct}% of exon 20 cases in the region are never found.",
            "Pathologists would welcome education on insertion variants.",
        ),
        summary=(
            "{size} field insights report that PCR panels miss exon 20 insertions and that "
            "late sequencing results are not revisited at second line, so eligible patients "
            "go unrecognised."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Medical education module for pathologists on detecting exon 20 insertions",
            "Module recorded with two pathology KOLs and launched on the medical education portal.",
        ),
    ),
    Topic(
        key="tav_first_line",
        area="ONC",
        product="Tavriqo",
        category=DATA_GAP,
        label="First-line Tavriqo with chemotherapy",
        tags=("first line", "data gap"),
        weight=1.5,
        trend=(0.6, 1.5),
        facets=(
            Facet(
                "the first-line trial",
                (
                    "the first-line phase 3 of {generic} with chemotherapy is [eagerly "
                    "awaited|awaited with interest]",
                    "oncologists ask when first-line data with chemotherapy will be "
                    "[presented|published]",
                    "the lack of first-line data keeps {brand} in second line for now",
                ),
                "KOLs are waiting for the first-line phase 3 data of {brand} with chemotherapy.",
            ),
            Facet(
                "patients who cannot wait",
                (
                    "patients [with poor tolerance of platinum|who tolerate platinum poorly] are "
                    "the ones oncologists would most like to treat earlier",
                    "oncologists would like {generic} before platinum for patients unfit for "
                    "chemotherapy, but there are no data",
                ),
                "KOLs see an unmet need for patients unfit for platinum, for whom no data on "
                "earlier {brand} exist.",
            ),
        ),
        details=(
            "Questions about first-line use were answered reactively.",
            "They would like to join the trial if a site opens nearby.",
        ),
        summary=(
            "{size} field insights show rising interest in first-line use with chemotherapy, "
            "which is not approved; KOLs wait for the phase 3 results."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: first-line use is not approved; answer reactively until the phase 3 "
            "reads out",
            "",
        ),
    ),
    Topic(
        key="tav_competitor",
        area="ONC",
        product="Tavriqo",
        category=COMPETITIVE,
        label="Oral Tavriqo versus the competitor's IV bispecific",
        tags=("competitor", "oral"),
        weight=2,
        trend=(0.7, 1.4),
        facets=(
            Facet(
                "oral convenience",
                (
                    "an oral drug such as {brand} is preferred over the competitor's IV "
                    "bispecific for patients who [work|are still working]",
                    "the competitor's infusion every two weeks weighs against it when chairs are "
                    "[scarce|in short supply]",
                    "patients [choose|prefer] a tablet over the competitor's infusion when both "
                    "are offered",
                ),
                "KOLs prefer oral {brand} over the competitor's IV bispecific for working "
                "patients and when infusion capacity is short.",
            ),
            Facet(
                "the competitor's subcutaneous formulation",
                (
                    "the competitor's new subcutaneous formulation [narrows|closes part of] the "
                    "convenience gap with {brand}",
                    "the subcutaneous version of the competitor's bispecific is being trialled "
                    "in the day unit",
                ),
                "The competitor's subcutaneous formulation is seen as narrowing the "
                "convenience advantage of oral {brand}.",
            ),
        ),
        details=(
            "Response rates look similar to them across the two options.",
            "Sequencing the two options is an open question for them.",
        ),
        summary=(
            "{size} field insights compare oral Tavriqo with the competitor's IV bispecific: "
            "the tablet is preferred for working patients, but the competitor's new "
            "subcutaneous form narrows the gap."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the brand and medical plan: sequencing data needs versus the competitor",
            "Sequencing question added to the evidence plan for the next cycle.",
        ),
    ),
    # --- Lumezra (pelvatamab) -------------------------------------------------------------
    Topic(
        key="lum_stepup",
        area="ONC",
        product="Lumezra",
        category=ACCESS,
        label="Inpatient step-up dosing of Lumezra",
        tags=("step-up dosing", "bed capacity"),
        weight=3,
        facets=(
            Facet(
                "inpatient beds for step-up doses",
                (
                    "the step-up doses of {brand} need an inpatient bed for several days, and "
                    "beds are scarce",
                    "[haematology|the haematology ward] can admit only {n} patients a month for "
                    "{generic} step-up dosing",
                    "waiting for a bed for the step-up [schedule|doses] delays {brand} by {weeks} "
                    "weeks",
                ),
                "Beds for {brand} step-up dosing are scarce and delay treatment starts.",
            ),
            Facet(
                "outpatient step-up",
                (
                    "the team would run step-up dosing as outpatients with remote monitoring if "
                    "[guidance existed|there were guidance]",
                    "outpatient step-up with a hotel nearby is being [discussed|considered] for "
                    "{generic}",
                    "an outpatient step-up protocol is their most wanted piece of guidance for "
                    "{brand}",
                ),
                "KOLs want guidance on outpatient step-up dosing of {brand} with remote "
                "monitoring.",
            ),
        ),
        details=(
            "The bed manager now has a waiting list for bispecific starts.",
            "Reimbursement of the step-up phase is a separate discussion.",
            "Other centres in the region are asking the same question.",
        ),
        summary=(
            "In {size} field insights, haematologists say inpatient beds for the step-up doses "
            "of Lumezra are scarce and ask for guidance on outpatient step-up with remote "
            "monitoring."
        ),
        action=ActionSpec(
            EVIDENCE,
            "Evidence-generation request: outpatient step-up dosing cohort for Lumezra",
            "Investigator-initiated study on outpatient step-up approved for funding.",
        ),
    ),
    Topic(
        key="lum_prophylaxis",
        area="ONC",
        product="Lumezra",
        category=CLINICAL_PRACTICE,
        label="Immunoglobulin replacement practice on Lumezra",
        tags=("supportive care", "immunoglobulin"),
        weight=2,
        facets=(
            Facet(
                "immunoglobulin replacement",
                (
                    "immunoglobulin replacement on {brand} varies [a lot|widely] between centres",
                    "there is no [agreement|consensus] on the IgG level that should trigger "
                    "replacement during {generic}",
                    "supportive care protocols for {brand} differ from one hospital to the next",
                ),
                "Immunoglobulin replacement practice during {brand} varies between centres; "
                "KOLs want consensus on when to start it.",
            ),
            Facet(
                "vaccination schedule",
                (
                    "the re-vaccination schedule during {generic} is unclear to the team",
                    "haematologists [ask|want to know] which vaccines to give before and during "
                    "{brand}",
                ),
                "KOLs ask for a vaccination schedule before and during {brand}.",
            ),
        ),
        details=(
            "A regional consensus meeting was suggested.",
            "Pharmacy would like a standard order set.",
        ),
        summary=(
            "{size} field insights show supportive care on Lumezra (immunoglobulin "
            "replacement, vaccination) varying between centres, with KOLs asking for "
            "consensus guidance."
        ),
        action=ActionSpec(
            ACT,
            "Support a regional consensus meeting on supportive care during bispecific therapy",
            "Consensus meeting held; the summary is being written up by the faculty.",
        ),
    ),
    Topic(
        key="lum_ndmm",
        area="ONC",
        product="Lumezra",
        category=DATA_GAP,
        label="Newly diagnosed myeloma data gap",
        tags=("data gap", "newly diagnosed"),
        weight=1.5,
        trend=(0.8, 1.3),
        facets=(
            Facet(
                "earlier lines",
                (
                    "haematologists want data on {generic} in newly diagnosed patients who "
                    "[cannot have|are not candidates for] a transplant",
                    "the question is no longer whether {brand} works but how early it should "
                    "be used",
                ),
                "KOLs want data on {brand} in newly diagnosed, transplant-ineligible myeloma.",
            ),
            Facet(
                "frail patients",
                (
                    "frail patients over {age} are under-represented in the {brand} trials",
                    "oncogeriatric assessment before {generic} is not standard yet",
                ),
                "Frail patients over {age} are under-represented in the {brand} data.",
            ),
        ),
        details=(
            "Questions on newly diagnosed use were answered reactively.",
            "They follow the ongoing phase 3 closely.",
        ),
        summary=(
            "{size} field insights ask for data on Lumezra earlier in the disease and in frail "
            "older patients; use in newly diagnosed myeloma is not approved."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: the phase 3 in newly diagnosed myeloma will answer this; respond "
            "reactively meanwhile",
            "",
        ),
    ),
    # --- Ostavix (darucilimab) ------------------------------------------------------------
    Topic(
        key="ost_adjuvant",
        area="ONC",
        product="Ostavix",
        category=PRODUCT_PERCEPTION,
        label="Adjuvant Ostavix in stage III melanoma",
        tags=("adjuvant", "melanoma"),
        weight=3,
        facets=(
            Facet(
                "overtreatment in stage IIIA",
                (
                    "adjuvant {brand} is discussed case by case in stage IIIA because of the "
                    "[risk of overtreatment|overtreatment question]",
                    "patients with low-risk stage III disease [often|frequently] decline a year "
                    "of adjuvant {generic}",
                    "the absolute benefit of adjuvant {brand} in stage IIIA is [seen "
                    "as|considered] small",
                ),
                "KOLs weigh the risk of overtreatment with adjuvant {brand} in low-risk stage "
                "III melanoma.",
            ),
            Facet(
                "neoadjuvant approach",
                (
                    "the neoadjuvant approach is [gaining ground|taking over] from adjuvant "
                    "{brand} in resectable stage III disease",
                    "the melanoma [board|tumour board] now prefers neoadjuvant treatment for "
                    "bulky nodes",
                ),
                "KOLs report a shift from adjuvant to neoadjuvant treatment in resectable stage "
                "III melanoma.",
            ),
        ),
        details=(
            "They would value a risk calculator to guide the decision.",
            "Recurrence-free survival alone does not convince everyone.",
        ),
        summary=(
            "{size} field insights show adjuvant Ostavix weighed case by case in low-risk stage "
            "III melanoma, and a shift towards neoadjuvant treatment for bulky disease."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Updated slide module on absolute benefit by stage III substage",
            "Module approved and added to the adjuvant deck.",
        ),
    ),
    Topic(
        key="ost_subq",
        area="ONC",
        product="Ostavix",
        category=COMPETITIVE,
        label="Competitor's subcutaneous checkpoint inhibitor",
        tags=("competitor", "subcutaneous"),
        weight=2,
        trend=(0.4, 1.8),
        facets=(
            Facet(
                "chair time savings",
                (
                    "the competitor's subcutaneous checkpoint inhibitor saves [chair "
                    "time|infusion time] that IV {brand} cannot",
                    "the day unit is [switching|moving] suitable patients to the competitor's "
                    "subcutaneous injection",
                    "a five-minute injection against a thirty-minute infusion is hard to argue "
                    "with, in their view",
                ),
                "The competitor's subcutaneous checkpoint inhibitor is preferred for the chair "
                "time it saves over IV {brand}.",
            ),
            Facet(
                "patient preference",
                (
                    "patients ask for the [subcutaneous injection|injection] instead of the drip "
                    "after hearing about it",
                    "shorter visits matter more to patients than the dosing interval",
                ),
                "Patients ask for the competitor's subcutaneous injection for shorter visits.",
            ),
        ),
        details=(
            "They asked whether a subcutaneous {brand} is in development.",
            "Pharmacy sees less waste with the fixed-dose injection.",
        ),
        summary=(
            "In {size} field insights, the competitor's subcutaneous checkpoint inhibitor is "
            "favoured for chair time and shorter visits; KOLs ask whether a subcutaneous "
            "Ostavix is coming."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the brand plan: subcutaneous formulation demand",
            "Formulation demand shared with development at the portfolio review.",
        ),
    ),
    Topic(
        key="ost_interval",
        area="ONC",
        product="Ostavix",
        category=PRODUCT_PERCEPTION,
        label="Six-weekly Ostavix dosing",
        tags=("dosing interval",),
        weight=1.5,
        facets=(
            Facet(
                "rural patients",
                (
                    "six-weekly dosing of {brand} is [valued|appreciated] by patients who travel "
                    "far",
                    "the longer {generic} interval halves the trips for rural patients",
                ),
                "Six-weekly {brand} dosing is valued by patients who travel far.",
            ),
            Facet(
                "switching intervals",
                (
                    "oncologists [ask|want to know] whether patients can switch from three- to "
                    "six-weekly {brand} after induction",
                    "the extended interval is used once patients are stable on {generic}",
                ),
                "KOLs ask about switching to six-weekly {brand} once patients are stable.",
            ),
        ),
        details=(
            "Fewer visits also free chairs.",
            "Telephone check-ins cover the weeks in between.",
        ),
        summary=(
            "{size} field insights value six-weekly Ostavix for patients who travel far and ask "
            "about switching intervals once patients are stable."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "FAQ answer on switching from three- to six-weekly dosing",
            "FAQ answer approved and in the library.",
        ),
    ),
    # --- Cordavel (obrisiran) ---------------------------------------------------------------
    Topic(
        key="cor_prior_auth",
        area="CARD",
        product="Cordavel",
        category=ACCESS,
        label="Prior-authorisation delays for Cordavel",
        tags=("prior authorisation", "payers"),
        weight=3,
        facets=(
            Facet(
                "paperwork and documentation",
                (
                    "prior authorisation for {brand} takes {weeks} weeks and most requests are "
                    "[returned|sent back] for more documentation",
                    "payers [ask for|demand] two documented LDL-C values on maximal statin before "
                    "they approve {brand}",
                    "the prior-authorisation [form|paperwork] for {generic} is the [main|biggest] "
                    "reason the clinic prescribes it less",
                    "staff time spent on prior-authorisation paperwork for {brand} is [not "
                    "sustainable|getting out of hand]",
                ),
                "Prior authorisation for {brand} takes weeks; payers return requests for more "
                "LDL-C documentation.",
            ),
            Facet(
                "step therapy through ezetimibe",
                (
                    "payers [require|insist on] a trial of ezetimibe before {brand}, even in very "
                    "high-risk patients",
                    "step therapy through ezetimibe adds three months before {generic} can be "
                    "started",
                ),
                "Payers require step therapy through ezetimibe before {brand}, delaying very "
                "high-risk patients.",
            ),
        ),
        details=(
            "About {pct}% of their requests are approved only on appeal.",
            "A template letter would save them time.",
            "The clinic has one person doing nothing but authorisations.",
        ),
        summary=(
            "In {size} field insights, lipid specialists describe weeks of prior-authorisation "
            "work for Cordavel, returned requests for more LDL-C documentation and step therapy "
            "through ezetimibe."
        ),
        action=ActionSpec(
            ACT,
            "Share payer criteria and a documentation checklist with the market access team",
            "Checklist published by market access; MSLs briefed.",
        ),
    ),
    Topic(
        key="cor_admin",
        area="CARD",
        product="Cordavel",
        category=CLINICAL_PRACTICE,
        label="Who gives the Cordavel injection",
        tags=("administration", "nurse visit"),
        weight=2,
        facets=(
            Facet(
                "clinic or pharmacy",
                (
                    "nobody is [sure|clear] whether the {brand} injection belongs in the clinic "
                    "or the pharmacy",
                    "the buy-and-bill route for {generic} [puts off|discourages] smaller practices",
                    "the cardiology clinic is not set up to give injections twice a year",
                ),
                "Practices are unsure who administers {brand} (clinic or pharmacy); buy-and-"
                "bill deters smaller practices.",
            ),
            Facet(
                "aligning with check-ups",
                (
                    "giving {brand} at the six-monthly check-up fits the clinic's [routine|rhythm]",
                    "a nurse visit twice a year for {generic} is easy to add to the lipid clinic",
                ),
                "Giving {brand} at the six-monthly check-up fits routine care.",
            ),
        ),
        details=(
            "Primary care could take it on with the right support.",
            "Storage in the clinic fridge was a question.",
        ),
        summary=(
            "{size} field insights show uncertainty over who gives the Cordavel injection, with "
            "administration at the six-monthly check-up seen as the natural fit."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Administration guide for clinics: storage, scheduling and documentation",
            "Guide approved and shared with clinics.",
        ),
    ),
    Topic(
        key="cor_outcomes",
        area="CARD",
        product="Cordavel",
        category=DATA_GAP,
        label="Cordavel outcomes data",
        tags=("outcomes data", "data gap"),
        weight=2,
        trend=(1.2, 0.9),
        facets=(
            Facet(
                "the outcomes trial",
                (
                    "cardiologists are waiting for the [cardiovascular outcomes trial|outcomes "
                    "trial] before using {brand} widely",
                    "LDL-C lowering alone does not convince the [formulary committee|hospital "
                    "formulary] without outcomes data",
                    "the outcomes readout of {generic} is the [question at every "
                    "meeting|recurring question]",
                ),
                "KOLs wait for the cardiovascular outcomes data of {brand} before wider use.",
            ),
            Facet(
                "subgroups",
                (
                    "data in patients with chronic kidney disease would help them choose {brand}",
                    "there is little on {generic} in patients over {age}",
                ),
                "KOLs ask for {brand} data in chronic kidney disease and in patients over {age}.",
            ),
        ),
        details=(
            "Guidelines will follow the outcomes data, in their view.",
            "The formulary review is scheduled after the readout.",
        ),
        summary=(
            "{size} field insights show cardiologists waiting for Cordavel's outcomes data "
            "before wider use, and asking for data in kidney disease and older patients."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: the outcomes trial reads out as planned; answer reactively until then",
            "",
        ),
    ),
    Topic(
        key="cor_adherence",
        area="CARD",
        product="Cordavel",
        category=PRODUCT_PERCEPTION,
        label="Twice-yearly Cordavel and adherence",
        tags=("adherence", "dosing interval"),
        weight=1.5,
        facets=(
            Facet(
                "adherence benefit",
                (
                    "twice-yearly dosing of {brand} is [the answer|a solution] for patients who "
                    "stop their statin",
                    "adherence is the [strongest|main] argument for {generic} in their practice",
                ),
                "Twice-yearly {brand} dosing is valued for patients who do not adhere to daily "
                "therapy.",
            ),
            Facet(
                "late doses",
                (
                    "the [clinic|lipid clinic] asks how late a {brand} dose can be given",
                    "what to do when the six-month dose is missed by {weeks} weeks is a common "
                    "question",
                ),
                "Clinics ask how to handle a late {brand} dose.",
            ),
        ),
        details=(
            "They track injections in a shared calendar.",
            "Reminder letters help.",
        ),
        summary=(
            "{size} field insights value twice-yearly Cordavel for adherence and ask how late "
            "a dose may be given."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "FAQ answer on late and missed doses",
            "FAQ answer approved.",
        ),
    ),
    # --- Myovesta (zelocamten) ------------------------------------------------------------
    Topic(
        key="myo_echo",
        area="CARD",
        product="Myovesta",
        category=CLINICAL_PRACTICE,
        label="Echocardiography burden on Myovesta",
        tags=("echocardiography", "monitoring"),
        weight=3,
        facets=(
            Facet(
                "echo during titration",
                (
                    "[echocardiography|an echo] every few weeks while titrating {brand} strains "
                    "the echo lab",
                    "the titration echoes for {generic} add {n} scans a month to [a full list|an "
                    "already full echo list]",
                    "each dose step of {brand} waits for an echo [slot|appointment]",
                    "the echo schedule is the [main|biggest] reason {brand} is started only at "
                    "the HCM centre",
                ),
                "Echocardiography during {brand} titration strains echo lab capacity.",
            ),
            Facet(
                "echo lab waiting lists",
                (
                    "the echo lab has a waiting list of {weeks} weeks, so titration visits "
                    "[slip|are postponed]",
                    "point-of-care echo in clinic would make {brand} titration practical",
                ),
                "Echo lab waiting lists delay {brand} titration; KOLs ask about point-of-care "
                "echo.",
            ),
        ),
        details=(
            "A sonographer is being trained for the HCM clinic.",
            "They would like shared care with general cardiologists.",
            "The REMS paperwork adds to it.",
        ),
        summary=(
            "In {size} field insights, cardiologists describe the echocardiograms needed to "
            "titrate Myovesta as a strain on echo lab capacity and ask about point-of-care echo."
        ),
        action=ActionSpec(
            EVIDENCE,
            "Evidence-generation request: point-of-care echo for titration monitoring",
            "Feasibility study approved with two HCM centres.",
        ),
    ),
    Topic(
        key="myo_cyp",
        area="CARD",
        product="Myovesta",
        category=CLINICAL_PRACTICE,
        label="CYP2C19 and drug interactions with Myovesta",
        tags=("drug interactions", "cyp2c19"),
        weight=2,
        facets=(
            Facet(
                "genotyping",
                (
                    "CYP2C19 genotyping before {brand} is not [available|offered] at their "
                    "hospital",
                    "the team is unsure whether to genotype before starting {generic}",
                ),
                "KOLs are unsure whether to genotype CYP2C19 before {brand}; testing is not "
                "widely available.",
            ),
            Facet(
                "common co-medications",
                (
                    "omeprazole and other common co-medications complicate {brand} dosing",
                    "[pharmacists|hospital pharmacists] ask for an interaction table for {generic}",
                ),
                "Pharmacists ask for an interaction table for {brand} and common co-medications.",
            ),
        ),
        details=(
            "An interaction checker in the prescribing system would help.",
            "General practitioners are not aware of the interactions.",
        ),
        summary=(
            "{size} field insights ask how to handle CYP2C19 status and common co-medications "
            "with Myovesta."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Interaction table for pharmacists as an approved medical information response",
            "Response approved; shared with hospital pharmacies on request.",
        ),
    ),
    Topic(
        key="myo_competitor",
        area="CARD",
        product="Myovesta",
        category=COMPETITIVE,
        label="Myovesta versus the first-in-class myosin inhibitor",
        tags=("competitor",),
        weight=1.5,
        facets=(
            Facet(
                "titration simplicity",
                (
                    "the first-in-class myosin inhibitor is familiar and its titration is "
                    "known to the team",
                    "cardiologists [ask|want to know] what {brand} offers over the first-in-class "
                    "drug",
                ),
                "KOLs ask what {brand} offers over the familiar first-in-class myosin inhibitor.",
            ),
            Facet(
                "switching",
                (
                    "switching stable patients from the first-in-class drug to {generic} is "
                    "not planned",
                    "new patients are where {brand} could find its place",
                ),
                "KOLs would start new patients on {brand} rather than switch stable ones.",
            ),
        ),
        details=("A head-to-head comparison is not expected.",),
        summary=(
            "{size} field insights compare Myovesta with the first-in-class myosin inhibitor: "
            "KOLs see its place in new patients rather than switching."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: positioning against the competitor is for the brand team; noted for the "
            "joint plan",
            "",
        ),
    ),
    Topic(
        key="myo_nonobstructive",
        area="CARD",
        product="Myovesta",
        category=DATA_GAP,
        label="Non-obstructive HCM interest",
        tags=("data gap", "non-obstructive"),
        weight=1.2,
        trend=(0.5, 1.6),
        facets=(
            Facet(
                "non-obstructive disease",
                (
                    "cardiologists [ask|enquire] about {generic} in non-obstructive hypertrophic "
                    "cardiomyopathy",
                    "patients with non-obstructive disease have no targeted option, in their view",
                ),
                "KOLs ask about {brand} in non-obstructive HCM, where no targeted option exists.",
            ),
            Facet(
                "trial results",
                (
                    "the non-obstructive trial readout is awaited with interest",
                    "they would refer patients to a non-obstructive trial of {brand}",
                ),
                "KOLs await the non-obstructive trial of {brand} and would refer patients.",
            ),
        ),
        details=("Questions on non-obstructive use were answered reactively.",),
        summary=(
            "{size} field insights show growing interest in non-obstructive HCM, which is not "
            "an approved use of Myovesta."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: not an approved use; answer reactively and share trial information",
            "",
        ),
    ),
    # --- Thrombexa (lorandexian), in development --------------------------------------------
    Topic(
        key="thr_renal_elderly",
        area="CARD",
        product="Thrombexa",
        category=DATA_GAP,
        label="Renal dosing in the elderly",
        tags=("renal dosing", "elderly"),
        weight=3,
        facets=(
            Facet(
                "dosing by kidney function",
                (
                    "dosing of {generic} by kidney function in patients over {age} is the first "
                    "question [anticoagulation clinics|anticoagulation services] ask",
                    "patients over {age} with an eGFR below 30 are where a new anticoagulant is "
                    "most needed, and where [data are thinnest|the data are weakest]",
                    "renal dose adjustment of {generic} in the elderly will [decide|determine] "
                    "its uptake",
                    "the trials need enough patients over {age} with [moderate|moderate to "
                    "severe] renal impairment to dose them with confidence",
                ),
                "Renal dosing of {generic} in patients over {age} is the first data need "
                "anticoagulation clinics raise.",
            ),
            Facet(
                "dialysis and end-stage kidney disease",
                (
                    "patients on dialysis are excluded from most anticoagulant trials, and "
                    "nephrologists want them [studied|included] with {generic}",
                    "end-stage kidney disease is a blind spot for every anticoagulant",
                ),
                "Nephrologists want {generic} studied in dialysis patients, excluded from most "
                "anticoagulant trials.",
            ),
        ),
        details=(
            "About {pct}% of their atrial fibrillation patients are over {age}.",
            "Pharmacokinetic data in the elderly would be a start.",
            "Geriatricians join the anticoagulation clinic once a month.",
        ),
        summary=(
            "Across {size} field insights, KOLs say dosing by kidney function in patients over "
            "75, including those on dialysis, is the data they need most for the new "
            "anticoagulant."
        ),
        action=ActionSpec(
            EVIDENCE,
            "Evidence-generation request: pharmacokinetic sub-study in patients over 75 with "
            "renal impairment",
            "Sub-study added to the phase 3 programme.",
        ),
    ),
    Topic(
        key="thr_bleeding",
        area="CARD",
        product="Thrombexa",
        category=PRODUCT_PERCEPTION,
        label="Expectations of a lower bleeding profile",
        tags=("bleeding profile", "factor xi"),
        weight=2,
        facets=(
            Facet(
                "hopes for factor XI inhibition",
                (
                    "[expectations are high|there is real hope] that factor XI inhibition will "
                    "separate clot prevention from bleeding",
                    "the hope is that {generic} will let them anticoagulate patients they now "
                    "leave untreated",
                ),
                "KOLs expect factor XI inhibition with {generic} to offer a better balance of "
                "stroke prevention and bleeding risk.",
            ),
            Facet(
                "head-to-head data",
                (
                    "only head-to-head data against current anticoagulants will convince the "
                    "[stroke team|stroke physicians]",
                    "phase 2 bleeding end points are encouraging but not enough for practice, "
                    "in their view",
                ),
                "KOLs want head-to-head phase 3 data against current anticoagulants.",
            ),
        ),
        details=(
            "They follow the class closely at congresses.",
            "Scepticism remains after earlier class failures.",
        ),
        summary=(
            "{size} field insights show high expectations of factor XI inhibition, tempered by "
            "the wish for head-to-head phase 3 data."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: the product is not approved; phase 3 results will be shared when published",
            "",
        ),
    ),
    Topic(
        key="thr_untreated",
        area="CARD",
        product="Thrombexa",
        category=UNMET_NEED,
        label="Patients left without anticoagulation",
        tags=("unmet need", "atrial fibrillation"),
        weight=1.5,
        facets=(
            Facet(
                "patients judged unsuitable",
                (
                    "many frail AF patients are left without anticoagulation because of falls",
                    "a third of their AF patients over {age} receive no anticoagulant",
                ),
                "Many frail AF patients receive no anticoagulant.",
            ),
            Facet(
                "left atrial appendage closure",
                (
                    "appendage closure is the only alternative offered today, and waiting lists "
                    "are [long|months long]",
                    "the device route is chosen only because no suitable drug exists",
                ),
                "Left atrial appendage closure is the only alternative for patients unsuitable "
                "for anticoagulants.",
            ),
        ),
        details=("Geriatric wards see these patients most.",),
        summary=(
            "{size} field insights describe frail AF patients left "
            "without anticoagulation, for whom device closure is the only option today."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the medical plan: disease-awareness education on undertreated atrial "
            "fibrillation",
            "Education programme scheduled with geriatric societies.",
        ),
    ),
    # --- Cardiology, the area as a whole -------------------------------------------------
    Topic(
        key="card_lipid_clinic",
        area="CARD",
        product=None,
        category=UNMET_NEED,
        label="Lipid clinic capacity",
        tags=("referral", "capacity"),
        weight=2,
        facets=(
            Facet(
                "waiting lists",
                (
                    "the lipid clinic has a waiting list of {weeks} months for new "
                    "[referrals|patients]",
                    "patients after a coronary event wait months to see a [lipid "
                    "specialist|lipidologist]",
                    "one lipid specialist covers the whole region",
                ),
                "Lipid clinics have long waiting lists for new referrals.",
            ),
            Facet(
                "primary care",
                (
                    "general practitioners would escalate lipid therapy themselves with clear "
                    "[pathways|referral pathways]",
                    "a shared-care pathway with primary care would shorten the lipid clinic list",
                ),
                "KOLs want shared-care pathways so primary care can escalate lipid therapy.",
            ),
        ),
        details=("A nurse-led clinic is being piloted.",),
        summary=(
            "{size} field insights describe long lipid clinic waiting lists and a wish for "
            "shared-care pathways with primary care."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the medical plan: support shared-care lipid pathways",
            "Pathway toolkit developed with two regional networks.",
        ),
    ),
    Topic(
        key="card_targets",
        area="CARD",
        product=None,
        category=CLINICAL_PRACTICE,
        label="LDL-C targets not reached",
        tags=("ldl-c targets", "guidelines"),
        weight=2,
        facets=(
            Facet(
                "targets in practice",
                (
                    "most patients after a coronary event [do not reach|never reach] the LDL-C "
                    "target",
                    "fewer than {pct}% of their very high-risk patients are at the LDL-C goal",
                    "statin doses are [rarely|seldom] escalated after discharge",
                ),
                "Most very high-risk patients do not reach their LDL-C target after discharge.",
            ),
            Facet(
                "therapeutic inertia",
                (
                    "therapeutic inertia after discharge is the [main|real] problem, not the drugs",
                    "nobody owns the lipid follow-up once the patient leaves cardiology",
                ),
                "Therapeutic inertia after discharge keeps patients above their LDL-C target.",
            ),
        ),
        details=("An automatic lipid recall at six weeks is their proposal.",),
        summary=(
            "{size} field insights report most very high-risk patients above their LDL-C "
            "target, with inertia after discharge the main cause."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Medical education webinar on treat-to-target after acute coronary syndrome",
            "Webinar held with three KOL speakers.",
        ),
    ),
    # --- Solvenra (brelukimab) --------------------------------------------------------------
    Topic(
        key="sol_step_therapy",
        area="IMM",
        product="Solvenra",
        category=ACCESS,
        label="Step therapy through biosimilars before Solvenra",
        tags=("step therapy", "biosimilars"),
        weight=3,
        facets=(
            Facet(
                "biosimilar first",
                (
                    "payers require a biosimilar adalimumab before {brand}, even for "
                    "patients with psoriatic arthritis and severe skin disease",
                    "step therapy through biosimilars [delays|holds up] {generic} by months",
                    "the [formulary|regional formulary] puts {brand} behind two biosimilars",
                ),
                "Payers require biosimilar adalimumab before {brand}, delaying access by months.",
            ),
            Facet(
                "appeals",
                (
                    "appeal letters for {brand} take the [dermatology nurses|nurses] hours each "
                    "week",
                    "most appeals for {generic} succeed, but only after {weeks} weeks",
                ),
                "Appeals for {brand} mostly succeed but take weeks and nurse time.",
            ),
        ),
        details=(
            "About {pct}% of their requests go to appeal.",
            "The hospital pharmacy negotiates with payers once a year.",
        ),
        summary=(
            "In {size} field insights, dermatologists and rheumatologists describe payers "
            "requiring biosimilars before Solvenra and weeks of appeals."
        ),
        action=ActionSpec(
            ACT,
            "Brief market access on step-therapy criteria raised by KOLs",
            "Market access briefed; payer dossier updated.",
        ),
    ),
    Topic(
        key="sol_interval",
        area="IMM",
        product="Solvenra",
        category=PRODUCT_PERCEPTION,
        label="Twelve-weekly Solvenra maintenance",
        tags=("dosing interval", "self-injection"),
        weight=2,
        facets=(
            Facet(
                "fewer injections",
                (
                    "maintenance every twelve weeks makes {brand} easy for [working "
                    "patients|patients who work]",
                    "four injections a year is what patients remember about {generic}",
                ),
                "Twelve-weekly maintenance makes {brand} easy for working patients.",
            ),
            Facet(
                "self-injection training",
                (
                    "patients need only one training [session|visit] for the {brand} pen",
                    "the nurses find {generic} pen training quick",
                ),
                "Self-injection training for the {brand} pen is quick.",
            ),
        ),
        details=("Clinic visits are now aligned with injections.",),
        summary=(
            "{size} field insights value Solvenra's twelve-weekly maintenance and quick pen "
            "training."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: consistent with the label and current materials",
            "",
        ),
    ),
    Topic(
        key="sol_oral_competitor",
        area="IMM",
        product="Solvenra",
        category=COMPETITIVE,
        label="Competitor's oral formulation",
        tags=("competitor", "oral"),
        weight=2,
        trend=(0.2, 2.2),
        facets=(
            Facet(
                "patients ask for a pill",
                (
                    "patients ask for the competitor's new oral [IL-23 pill|IL-23 tablet] instead "
                    "of injections",
                    "the competitor's oral formulation is the first question from new patients",
                    "needle-averse patients [want|ask for] the competitor's tablet",
                ),
                "Patients ask for the competitor's new oral IL-23 formulation instead of "
                "injections.",
            ),
            Facet(
                "doubts about durability",
                (
                    "dermatologists doubt the competitor's oral will match {brand} over "
                    "[years|the long term]",
                    "daily tablets may bring back the adherence problems that twelve-weekly "
                    "{generic} solved",
                ),
                "KOLs doubt the competitor's daily oral will match the durability and "
                "adherence of {brand}.",
            ),
        ),
        details=(
            "They will wait for long-term data before switching.",
            "Price will decide, in their view.",
        ),
        summary=(
            "{size} field insights track the competitor's oral IL-23 formulation: patients ask "
            "for it, while KOLs doubt it will match Solvenra's durability and adherence."
        ),
        action=ActionSpec(
            PLAN,
            "Input to the joint plan: long-term durability data in the medical narrative",
            "Five-year durability data added to the medical narrative.",
        ),
    ),
    Topic(
        key="sol_crohns",
        area="IMM",
        product="Solvenra",
        category=DATA_GAP,
        label="Crohn's disease data interest",
        tags=("data gap", "crohn's disease"),
        weight=1.2,
        trend=(0.7, 1.3),
        facets=(
            Facet(
                "Crohn's disease",
                (
                    "gastroenterologists [ask|enquire] about {generic} in Crohn's disease",
                    "the IL-23 class results in Crohn's disease make them curious about {brand}",
                ),
                "Gastroenterologists ask about {brand} in Crohn's disease.",
            ),
            Facet(
                "patients with both conditions",
                (
                    "patients with psoriasis and Crohn's disease need one drug for both",
                    "combined dermatology and gastroenterology clinics want data for shared "
                    "patients",
                ),
                "Combined clinics want data for patients with psoriasis and Crohn's disease.",
            ),
        ),
        details=("Questions on Crohn's disease were answered reactively.",),
        summary=(
            "{size} field insights ask about Crohn's disease, which is not an approved use of "
            "Solvenra."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: not an approved use; answer reactively",
            "",
        ),
    ),
    # --- Arthrava (filotacitinib) -----------------------------------------------------------
    Topic(
        key="art_class_warning",
        area="IMM",
        product="Arthrava",
        category=PRODUCT_PERCEPTION,
        label="JAK class warnings and patient selection",
        tags=("class warning", "patient selection"),
        weight=3,
        facets=(
            Facet(
                "patient selection after the class warning",
                (
                    "since the class warning, {brand} is [reserved|kept] for patients under 65 "
                    "without cardiovascular risk factors",
                    "the JAK class warning makes rheumatologists [choose|use] {generic} only "
                    "after biologics",
                    "risk stratification before {brand} now takes a whole [consultation|clinic "
                    "visit]",
                    "smokers over 65 are no longer offered a JAK inhibitor in their clinic",
                ),
                "Since the JAK class warning, KOLs reserve {brand} for younger patients without "
                "cardiovascular risk factors.",
            ),
            Facet(
                "explaining the label",
                (
                    "patients read about the class warning online and arrive [worried|anxious] "
                    "about {brand}",
                    "explaining the class warning takes longer than explaining the benefits of "
                    "{generic}",
                ),
                "Explaining the JAK class warning to patients takes much of the consultation.",
            ),
        ),
        details=(
            "A patient-friendly explanation of the warning would help.",
            "The hospital added a checklist to the prescribing system.",
            "They see the oral route as an advantage for younger patients.",
        ),
        summary=(
            "In {size} field insights, rheumatologists describe reserving Arthrava for younger "
            "patients without cardiovascular risk factors since the JAK class warning, and "
            "long conversations explaining it."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Patient-selection tool and FAQ on the JAK class warning",
            "Tool and FAQ approved; presented at the rheumatology congress.",
        ),
    ),
    Topic(
        key="art_vaccination",
        area="IMM",
        product="Arthrava",
        category=CLINICAL_PRACTICE,
        label="Vaccination before starting Arthrava",
        tags=("vaccination", "pre-treatment screening"),
        weight=2,
        facets=(
            Facet(
                "organising vaccination",
                (
                    "the recombinant zoster vaccine before {brand} is [hard|difficult] to "
                    "organise in primary care",
                    "vaccination delays the start of {generic} by {weeks} weeks",
                    "nobody is [sure|clear] who should give the vaccines before {brand}",
                ),
                "Organising vaccination before {brand} delays treatment starts.",
            ),
            Facet(
                "screening checklist",
                (
                    "a single pre-treatment checklist covering vaccines and screening tests "
                    "would help the nurses",
                    "pre-treatment screening for {generic} is done differently by each "
                    "rheumatologist",
                ),
                "KOLs want one pre-treatment checklist (vaccination and screening) for {brand}.",
            ),
        ),
        details=("The pharmacy could vaccinate if reimbursed.",),
        summary=(
            "{size} field insights describe vaccination and pre-treatment screening before "
            "Arthrava as hard to organise, and ask for one checklist."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Pre-treatment checklist for nurses (vaccination and screening)",
            "Checklist approved and distributed.",
        ),
    ),
    Topic(
        key="art_lab_monitoring",
        area="IMM",
        product="Arthrava",
        category=CLINICAL_PRACTICE,
        label="Laboratory monitoring on Arthrava",
        tags=("lab monitoring",),
        weight=1.5,
        facets=(
            Facet(
                "lipids and blood counts",
                (
                    "lipid and blood count checks on {brand} are done at different intervals by "
                    "[each clinic|every clinic]",
                    "the monitoring schedule for {generic} is not clear to [general "
                    "practitioners|family doctors]",
                ),
                "Lab monitoring on {brand} varies between clinics and is unclear to general "
                "practitioners.",
            ),
            Facet(
                "shared care",
                (
                    "shared-care agreements with primary care would move {brand} monitoring "
                    "closer to home",
                    "a monitoring card for patients on {generic} was suggested",
                ),
                "KOLs want shared-care monitoring for {brand} closer to home.",
            ),
        ),
        details=("A template shared-care letter was requested.",),
        summary=("{size} field insights ask for a clear, shared monitoring schedule for Arthrava."),
        action=ActionSpec(
            NEW_CONTENT,
            "Shared-care monitoring letter template",
            "Template approved.",
        ),
    ),
    Topic(
        key="art_uc",
        area="IMM",
        product="Arthrava",
        category=DATA_GAP,
        label="Ulcerative colitis data interest",
        tags=("data gap", "ulcerative colitis"),
        weight=1.2,
        facets=(
            Facet(
                "ulcerative colitis",
                (
                    "gastroenterologists [ask|enquire] about {generic} in ulcerative colitis",
                    "an oral option for ulcerative colitis after biologics is what they miss",
                ),
                "Gastroenterologists ask about {brand} in ulcerative colitis.",
            ),
            Facet(
                "trial timing",
                (
                    "the ulcerative colitis programme timelines are a frequent question",
                    "they would join an ulcerative colitis trial of {brand}",
                ),
                "KOLs ask about the timelines of the ulcerative colitis programme.",
            ),
        ),
        details=("Questions on ulcerative colitis were answered reactively.",),
        summary=(
            "{size} field insights ask about ulcerative colitis, which is not an approved use "
            "of Arthrava."
        ),
        action=ActionSpec(
            NO_ACTION,
            "No action: not an approved use; answer reactively",
            "",
        ),
    ),
    # --- Immunology, the area as a whole -------------------------------------------------
    Topic(
        key="imm_telehealth",
        area="IMM",
        product=None,
        category=CLINICAL_PRACTICE,
        label="Video follow-up for stable patients",
        tags=("telemedicine", "follow-up"),
        weight=2,
        facets=(
            Facet(
                "video consultations",
                (
                    "stable patients on biologics are now followed [by video|on video calls] "
                    "every other visit",
                    "video follow-up [freed|has freed] clinic slots for new referrals",
                ),
                "Stable immunology patients are increasingly followed up by video.",
            ),
            Facet(
                "remote disease scores",
                (
                    "disease activity scores are [hard|difficult] to assess remotely",
                    "patient-reported scores collected before video visits would help",
                ),
                "KOLs want patient-reported disease scores to support remote follow-up.",
            ),
        ),
        details=("The hospital now schedules video visits by default.",),
        summary=(
            "{size} field insights describe video follow-up for stable immunology patients and "
            "the need for remote disease scores."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Patient-reported outcome toolkit for remote follow-up",
            "Toolkit approved and shared with clinics.",
        ),
    ),
    Topic(
        key="imm_nurse_capacity",
        area="IMM",
        product=None,
        category=UNMET_NEED,
        label="Specialist nurse capacity",
        tags=("nurse capacity",),
        weight=1.5,
        facets=(
            Facet(
                "nurse-led clinics",
                (
                    "the biologics nurse clinic is [fully booked|booked up] for {weeks} weeks",
                    "one specialist nurse covers injection training for the whole "
                    "[department|service]",
                ),
                "Specialist nurse capacity limits biologic starts.",
            ),
            Facet(
                "training support",
                (
                    "homecare providers could take over injection training",
                    "video training material would relieve the nurses",
                ),
                "KOLs want support for injection training to relieve specialist nurses.",
            ),
        ),
        details=("A second nurse post is under discussion.",),
        summary=(
            "{size} field insights describe specialist nurse capacity as a limit on biologic "
            "starts."
        ),
        action=ActionSpec(
            NEW_CONTENT,
            "Injection training videos for patients",
            "Videos approved and on the patient portal.",
        ),
    ),
)

# --- Possible adverse events ---------------------------------------------------------------

# How an MSL reports a harm a KOL mentioned; ``{harm}`` comes from the product's list below.
# Each frame says whose case it is: a patient of the KOL on our product ("case"), on a
# competitor's product ("competitor"), or a second-hand story with no patient or reporter to
# follow up ("hearsay"). Pharmacovigilance forwards cases and closes the others.
AE_FRAMES: tuple[tuple[str, str], ...] = (
    ("One of {name}'s patients on {brand} developed {harm} and was admitted.", "case"),
    ("{name} described a {age}-year-old patient on {brand} who developed {harm}.", "case"),
    (
        "{name} mentioned a patient who developed {harm} after starting {brand}; "
        "treatment was interrupted.",
        "case",
    ),
    ("At {institution}, a patient on {generic} developed {harm} in the second month.", "case"),
    (
        "{name} told me about a {age}-year-old who developed {harm} on {brand} and asked "
        "how others manage it.",
        "case",
    ),
    (
        "{name} has a patient on {brand} who developed {harm}; the dose was reduced and the "
        "patient recovered.",
        "case",
    ),
    (
        "A patient of {name} developed {harm} on the competitor's product and was switched "
        "to {brand}.",
        "competitor",
    ),
    (
        "{name} heard at a congress that a patient on {brand} somewhere else developed {harm}.",
        "hearsay",
    ),
)
# Each product's harms, as a KOL would name them.
AE_HARMS: dict[str, tuple[str, ...]] = {
    "Tavriqo": (
        "grade 3 diarrhoea",
        "a severe acneiform rash",
        "paronychia of several fingers",
        "raised liver enzymes",
        "pneumonitis",
    ),
    "Lumezra": (
        "cytokine release syndrome",
        "a severe pneumonia",
        "neurotoxicity with confusion",
        "neutropenia with fever",
    ),
    "Ostavix": (
        "immune-related colitis",
        "hypothyroidism",
        "hepatitis",
        "a severe rash",
        "pneumonitis",
    ),
    "Cordavel": (
        "an injection-site reaction",
        "muscle pain",
        "raised liver enzymes",
    ),
    "Myovesta": (
        "a drop in ejection fraction",
        "heart failure symptoms",
        "palpitations",
        "dizziness",
    ),
    "Thrombexa": (
        "a gastrointestinal bleed",
        "heavy bruising",
        "a nosebleed",
    ),
    "Solvenra": (
        "an injection-site reaction",
        "an upper respiratory infection",
        "headache",
        "oral candidiasis",
    ),
    "Arthrava": (
        "herpes zoster",
        "a deep vein thrombosis",
        "a steep rise in LDL cholesterol",
        "a severe pneumonia",
        "acne",
    ),
}
# Insights that carry a harm are mostly filed as safety; some MSLs file them under what the
# rest of the insight is about.
AE_CATEGORY_WEIGHTS: tuple[tuple[str, int], ...] = (
    (SAFETY, 70),
    (CLINICAL_PRACTICE, 15),
    (PRODUCT_PERCEPTION, 15),
)
# Pharmacovigilance's reasons for closing a report as not an adverse event, by frame kind;
# a "case" is sometimes a duplicate of what the hospital reported directly.
NOT_AE_REASONS: dict[str, tuple[str, ...]] = {
    "competitor": (
        "No exposure to our product: the event occurred on a competitor's product before the "
        "switch. Information passed to that product's marketing authorisation holder.",
        "The event predates the first dose of our product (on the previous, competitor "
        "therapy); not an adverse event of ours.",
    ),
    "hearsay": (
        "No identifiable patient or reporter: a second-hand account heard at a congress; "
        "not a reportable case.",
        "Not a case: the KOL did not treat the patient and cannot say who did; nothing to "
        "follow up.",
    ),
    # A recall-first screener also flags service talk that names a product and a hospital
    # stay; pharmacovigilance reads it and closes it.
    "topic": (
        "No patient harm described: the insight is about service organisation (beds, "
        "scheduling), not an event in a patient.",
        "False alarm from the screening wording: no patient, no event.",
    ),
    "case": (
        "Duplicate: the same case was reported directly by the hospital and is already in the "
        "safety database.",
        "Duplicate of a case received from the treating physician the same week.",
    ),
}
SAFETY_REVIEW_NOTE = "Safety information: handled by pharmacovigilance; not for release."

# --- Medical review ---------------------------------------------------------------------

REJECTION_NOTES: tuple[str, ...] = (
    "Not an insight: this is a request for material; log it as a follow-up instead.",
    "Too general to act on; add what the KOL said about which patients and why.",
    "Already known and covered in the medical plan; nothing new here.",
    "This records the MSL's own view rather than what the KOL said.",
    "Promotional in tone; rephrase as the KOL's scientific point of view.",
    "Duplicate of an earlier insight from the same meeting.",
)
MERGE_NOTES: tuple[str, ...] = (
    "Same point as the earlier insight; merged so the KOL counts once more there.",
    "Duplicate of an insight from the same period.",
    "",
)

# --- Actions on single insights ---------------------------------------------------------

INSIGHT_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        ACT,
        "MSL to share the approved response with the KOL at the next meeting",
        "Response shared with the KOL; the KOL found it useful.",
    ),
    ActionSpec(
        ACT,
        "Invite the KOL to the regional advisory board on this topic",
        "KOL attended the advisory board and presented their experience.",
    ),
    ActionSpec(
        NEW_CONTENT,
        "Add the question to the FAQ backlog for the next MLR cycle",
        "FAQ answer drafted and submitted to MLR review.",
    ),
    ActionSpec(
        EVIDENCE,
        "Forward to the evidence-generation committee as a research question",
        "Research question logged and prioritised for next year.",
    ),
    ActionSpec(
        NO_ACTION,
        "No action: already addressed by existing approved material",
        "",
    ),
    ActionSpec(
        NO_ACTION,
        "No action: single observation; watch for more insights on this before acting",
        "",
    ),
)

# --- Product managers' questions ---------------------------------------------------------


@dataclass(frozen=True)
class PmQuestionSpec:
    """A product manager's question, the topic whose insights answer it and where it stands
    (answered, declined, routed or asked)."""

    product: str
    text: str
    topic: str
    stage: str
    routing_note: str = ""
    summary: str = ""
    decline_reason: str = ""


PM_QUESTIONS: tuple[PmQuestionSpec, ...] = (
    PmQuestionSpec(
        "Thrombexa",
        "What do KOLs say about dosing in the elderly, especially with reduced kidney function?",
        "thr_renal_elderly",
        "answered",
        routing_note="Please capture what anticoagulation clinics say about renal dosing in "
        "patients over 75.",
        summary="KOLs consistently name dosing by kidney function in patients over 75 as the "
        "first data need; nephrologists add patients on dialysis. Pharmacokinetic data in the "
        "elderly would be the most useful first step.",
    ),
    PmQuestionSpec(
        "Cordavel",
        "How much do prior-authorisation requirements slow down new Cordavel starts?",
        "cor_prior_auth",
        "answered",
        routing_note="Focus on time to approval and the documentation payers ask for.",
        summary="Clinics report several weeks per authorisation, frequent returns for LDL-C "
        "documentation and step therapy through ezetimibe; many requests succeed only on "
        "appeal.",
    ),
    PmQuestionSpec(
        "Solvenra",
        "Are patients asking for the competitor's new oral option instead of Solvenra?",
        "sol_oral_competitor",
        "answered",
        routing_note="Capture both what patients ask and what dermatologists think of it.",
        summary="Patients, particularly needle-averse ones, ask about the competitor's oral "
        "formulation; dermatologists doubt that a daily tablet will match twelve-weekly "
        "injections for durability and adherence.",
    ),
    PmQuestionSpec(
        "Lumezra",
        "What stops centres from starting more patients on Lumezra?",
        "lum_stepup",
        "answered",
        routing_note="Ask haematologists about bed capacity and step-up dosing logistics.",
        summary="Inpatient beds for the step-up doses are the main limit; centres would move to "
        "outpatient step-up with remote monitoring if guidance existed.",
    ),
    PmQuestionSpec(
        "Arthrava",
        "Which patients do rheumatologists now choose for Arthrava after the class warning?",
        "art_class_warning",
        "routed",
        routing_note="Please note the patient profile KOLs describe.",
    ),
    PmQuestionSpec(
        "Myovesta",
        "How do echo capacity constraints affect Myovesta titration in practice?",
        "myo_echo",
        "routed",
        routing_note="Capture waiting times for echo and how titration visits are organised.",
    ),
    PmQuestionSpec(
        "Ostavix",
        "Would oncologists prefer a subcutaneous Ostavix, and how strongly?",
        "ost_subq",
        "asked",
    ),
    PmQuestionSpec(
        "Tavriqo",
        "What do KOLs think about first-line use of Tavriqo with chemotherapy?",
        "tav_first_line",
        "declined",
        decline_reason="First-line use is not approved; medical cannot gather field views on an "
        "unapproved use for a commercial purpose. The phase 3 results will be shared when "
        "published.",
    ),
    PmQuestionSpec(
        "Cordavel",
        "Could MSLs find out which competitor products the lipid clinics are trialling?",
        "cor_outcomes",
        "declined",
        decline_reason="Outside medical's remit: MSLs do not gather competitive intelligence "
        "for commercial purposes. Released themes on the competition are available in the "
        "digest.",
    ),
    PmQuestionSpec(
        "Tavriqo",
        "How are exon 20 insertions being found in the referring hospitals?",
        "tav_exon20",
        "asked",
    ),
)
