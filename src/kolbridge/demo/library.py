"""The demo's content library: modules (claims with their references, key messages, text blocks,
figures), items made of them, and where each item stands in MLR review.

Plain data with no Django imports, like ``data.py``; ``content.py`` takes it through the
content services. The brands are the demo's invented ones. A claim about a brand's own data
quotes the results of the real landmark trial of the medicine it is modelled on, and cites that
trial, so every reference opens a real paper on PubMed or doi.org; claims about a disease or a
drug class cite the papers that established them.
"""

from __future__ import annotations

from dataclasses import dataclass

APPROVED = "approved"
IN_REVIEW = "in_review"
DRAFT = "draft"  # never sent to review
RETURNED = "returned"  # sent back to its author with comments, now a draft again
EXPIRED = "expired"  # approved, then past its expiry date
WITHDRAWN = "withdrawn"

PROACTIVE = "proactive_on_label"
REACTIVE = "reactive_only"
MEDICAL = ("medical_external",)
COMMERCIAL = ("commercial",)
TRAINING = ("internal_training",)


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    kind: str  # claim, key_message, text_block, figure
    area: str
    title: str
    text: str
    references: tuple[str, ...] = ()
    # A figure's bars, in per cent of the chart's height, drawn alternately in the brand's
    # colour and in grey (treatment, comparator).
    bars: tuple[int, ...] = ()
    author: str = "lead1"


@dataclass(frozen=True)
class RevisionSpec:
    """A newer version of an approved item, started ``days_before`` the anchor.

    ``modules`` replaces the item's module list; ``rewordings`` gives modules a new wording that
    is approved with this version (presentations showing the old wording are flagged);
    ``indications`` changes the classification (presentations carrying the item are flagged).
    An ``outcome`` other than approved leaves the new version open beside the approved one.
    """

    days_before: int
    change: str
    outcome: str = APPROVED
    modules: tuple[str, ...] | None = None
    rewordings: tuple[tuple[str, str], ...] = ()
    indications: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class ItemSpec:
    key: str
    kind: str  # deck, reprint, video, infographic, faq
    title: str
    summary: str
    area: str
    products: tuple[str, ...]
    modules: tuple[str, ...]
    state: str
    days_before: int  # the first draft was started this many days before the anchor
    # (product, words of the indication's name): what the item speaks to.
    indications: tuple[tuple[str, str], ...] = ()
    audiences: tuple[str, ...] = MEDICAL
    usage: str = PROACTIVE
    author: str = "lead1"
    body: str = ""  # a standard response's text
    signatures: int = 0  # in review: the sign-offs given so far
    # Comments of the reviewers who returned it, one per round, before it was approved (or,
    # for a returned item, the last of them left it a draft).
    comments: tuple[str, ...] = ()
    ends_days_before: int = 0  # expired or withdrawn this many days before the anchor
    reason: str = ""  # why it was withdrawn
    revision: RevisionSpec | None = None


MODULES: tuple[ModuleSpec, ...] = (
    # --- Oncology: Tavriqo (ravolentinib), EGFR exon 20 insertion NSCLC ----------------------
    ModuleSpec(
        "tav_key",
        "key_message",
        "ONC",
        "Tavriqo: a targeted option after platinum",
        "Ravolentinib gives patients with EGFR exon 20 insertion NSCLC a targeted treatment once "
        "their disease has progressed on platinum-based chemotherapy.",
    ),
    ModuleSpec(
        "tav_orr",
        "claim",
        "ONC",
        "Objective response rate after platinum chemotherapy",
        "In patients with EGFR exon 20 insertion NSCLC whose disease progressed on platinum "
        "chemotherapy, the objective response rate was 40% (95% CI 29-51) by blinded "
        "independent central review.",
        ("PMID: 34339292",),
    ),
    ModuleSpec(
        "tav_dor",
        "claim",
        "ONC",
        "Duration of response and progression-free survival",
        "Median duration of response was 11.1 months and median progression-free survival "
        "8.3 months in the post-platinum cohort.",
        ("PMID: 34339292",),
    ),
    ModuleSpec(
        "tav_firstline",
        "claim",
        "ONC",
        "First-line EGFR exon 20 insertion NSCLC: bispecific antibody plus chemotherapy",
        "In previously untreated EGFR exon 20 insertion NSCLC, adding an EGFR-MET bispecific "
        "antibody to carboplatin-pemetrexed prolonged median progression-free survival to 11.4 "
        "versus 6.7 months (hazard ratio 0.40).",
        ("PMID: 37870976", "doi:10.1056/NEJMoa2306441"),
    ),
    ModuleSpec(
        "tav_testing",
        "text_block",
        "ONC",
        "Finding exon 20 insertions",
        "Exon 20 insertions are a heterogeneous group of in-frame insertions; many PCR hotspot "
        "assays miss most of them. Broad next-generation sequencing of tissue or plasma at "
        "diagnosis finds them before first-line treatment is chosen.",
    ),
    ModuleSpec(
        "tav_safety",
        "text_block",
        "ONC",
        "Important safety information: ravolentinib",
        "Interstitial lung disease or pneumonitis, infusion-related reactions (mostly with the "
        "first infusion), rash, paronychia and hypoalbuminaemia. Withhold for suspected "
        "interstitial lung disease. See the full prescribing information.",
    ),
    ModuleSpec(
        "tav_fig",
        "figure",
        "ONC",
        "Best response by independent review",
        "Waterfall summary: partial responses in 40%, stable disease in 34%, progressive "
        "disease in 16% of patients.",
        bars=(40, 34, 16, 10),
    ),
    # --- Oncology: Lumezra (pelvatamab), relapsed or refractory myeloma ---------------------
    ModuleSpec(
        "lum_key",
        "key_message",
        "ONC",
        "Lumezra: off-the-shelf BCMA x CD3 therapy",
        "Lumezra brings deep responses to triple-class-exposed myeloma without cell "
        "manufacturing, with a predictable and manageable cytokine release profile.",
    ),
    ModuleSpec(
        "lum_orr",
        "claim",
        "ONC",
        "Overall response in triple-class-exposed myeloma",
        "In triple-class-exposed relapsed or refractory multiple myeloma, BCMA x CD3 bispecific "
        "therapy achieved an overall response rate of 63%, with 39% of patients reaching a "
        "complete response or better.",
        ("PMID: 35661166", "doi:10.1056/NEJMoa2203478"),
    ),
    ModuleSpec(
        "lum_dor",
        "claim",
        "ONC",
        "Durability of response",
        "Median duration of response was 18.4 months; median progression-free survival was "
        "11.3 months.",
        ("PMID: 35661166",),
    ),
    ModuleSpec(
        "lum_crs",
        "claim",
        "ONC",
        "Cytokine release syndrome: how often and how severe",
        "Cytokine release syndrome occurred in 72% of patients, almost all of grade 1 or 2, and "
        "mostly during step-up dosing; neurotoxic events occurred in 15%.",
        ("PMID: 35661166",),
    ),
    ModuleSpec(
        "lum_stepup",
        "text_block",
        "ONC",
        "Step-up dosing",
        "Two step-up doses in the first week, each followed by 48 hours of monitoring for "
        "cytokine release syndrome and neurotoxicity, then the first treatment dose. Premedicate "
        "with a corticosteroid, an antihistamine and an antipyretic before each step-up dose.",
    ),
    ModuleSpec(
        "lum_ndmm",
        "claim",
        "ONC",
        "Transplant-ineligible newly diagnosed myeloma: anti-CD38 plus lenalidomide",
        "In transplant-ineligible newly diagnosed myeloma, adding an anti-CD38 antibody to "
        "lenalidomide and dexamethasone reduced the risk of progression or death by 44% "
        "(hazard ratio 0.56).",
        ("PMID: 31141632",),
    ),
    ModuleSpec(
        "lum_fig",
        "figure",
        "ONC",
        "Depth of response",
        "Share of patients by best response: stringent complete, complete, very good partial "
        "and partial response.",
        bars=(33, 6, 20, 4),
    ),
    # --- Oncology: Ostavix (darucilimab), melanoma ------------------------------------------
    ModuleSpec(
        "ost_key",
        "key_message",
        "ONC",
        "Ostavix: durable control in melanoma",
        "Ostavix gives durable disease control in advanced melanoma and lowers the risk of "
        "recurrence after resection of stage III disease.",
    ),
    ModuleSpec(
        "ost_pfs",
        "claim",
        "ONC",
        "Progression-free survival in untreated advanced melanoma",
        "In untreated advanced melanoma, PD-1 blockade alone or with CTLA-4 blockade prolonged "
        "median progression-free survival to 6.9 and 11.5 months, versus 2.9 months with "
        "ipilimumab alone.",
        ("PMID: 26027431", "doi:10.1056/NEJMoa1504030"),
    ),
    ModuleSpec(
        "ost_adj",
        "claim",
        "ONC",
        "Adjuvant PD-1 blockade versus placebo",
        "After complete resection of stage III melanoma, adjuvant PD-1 blockade reduced the risk "
        "of recurrence or death by 43% versus placebo (hazard ratio 0.57).",
        ("PMID: 29658430", "doi:10.1056/NEJMoa1802357"),
    ),
    ModuleSpec(
        "ost_adj_ipi",
        "claim",
        "ONC",
        "Adjuvant PD-1 blockade versus ipilimumab",
        "Adjuvant PD-1 blockade improved recurrence-free survival over high-dose ipilimumab "
        "(hazard ratio 0.65) with fewer grade 3-4 treatment-related adverse events (14% versus "
        "46%).",
        ("PMID: 28891423", "doi:10.1056/NEJMoa1709030"),
    ),
    ModuleSpec(
        "ost_irae",
        "text_block",
        "ONC",
        "Managing immune-related adverse events",
        "Immune-related adverse events can affect any organ, most often the skin, gut, liver and "
        "endocrine glands, and may start months after the last dose. Withhold for grade 2 and "
        "start corticosteroids; stop permanently for most grade 4 events. Endocrine events are "
        "managed with hormone replacement.",
    ),
    ModuleSpec(
        "ost_hcc",
        "text_block",
        "ONC",
        "Adjuvant hepatocellular carcinoma: status of the evidence",
        "Darucilimab is not approved for the adjuvant treatment of hepatocellular carcinoma. A "
        "randomised phase 3 trial after resection or ablation is enrolling; no efficacy or "
        "safety results in this setting have been reported.",
    ),
    ModuleSpec(
        "ost_fig",
        "figure",
        "ONC",
        "Median progression-free survival by regimen",
        "Median progression-free survival in months: combination, PD-1 alone, ipilimumab alone.",
        bars=(77, 46, 19),
    ),
    # --- Cardiology: Cordavel (obrisiran), LDL cholesterol ----------------------------------
    ModuleSpec(
        "cor_key",
        "key_message",
        "CARD",
        "Cordavel: two maintenance doses a year",
        "Cordavel lowers LDL cholesterol by about half on top of statins, with an injection by "
        "a healthcare professional twice a year after the first two doses.",
    ),
    ModuleSpec(
        "cor_ldl",
        "claim",
        "CARD",
        "LDL-C lowering on top of statins",
        "Twice-yearly siRNA therapy added to maximally tolerated statins lowered LDL cholesterol "
        "by about 50% versus placebo at day 510, with a time-adjusted reduction of about 50% "
        "between days 90 and 540.",
        ("PMID: 32187462", "doi:10.1056/NEJMoa1912387"),
    ),
    ModuleSpec(
        "cor_ctt",
        "claim",
        "CARD",
        "The lower, the better: each mmol/L counts",
        "Each 1 mmol/L reduction in LDL cholesterol reduces major vascular events by about 22% "
        "(rate ratio 0.78), whatever the starting level.",
        ("PMID: 21067804", "doi:10.1016/S0140-6736(10)61350-5"),
    ),
    ModuleSpec(
        "cor_outcomes",
        "claim",
        "CARD",
        "PCSK9 inhibition and cardiovascular events",
        "Adding a PCSK9 antibody to statins reduced major cardiovascular events by 15% in stable "
        "atherosclerotic disease (hazard ratio 0.85) and after an acute coronary syndrome "
        "(hazard ratio 0.85).",
        (
            "PMID: 28304224",
            "doi:10.1056/NEJMoa1615664",
            "PMID: 30403574",
            "doi:10.1056/NEJMoa1801174",
        ),
    ),
    ModuleSpec(
        "cor_hefh",
        "claim",
        "CARD",
        "Heterozygous familial hypercholesterolaemia: adult data",
        "In adults with heterozygous familial hypercholesterolaemia, siRNA PCSK9 silencing "
        "lowered LDL cholesterol by 48% versus placebo at day 510; results in adolescents have "
        "not been published.",
        ("PMID: 32197277",),
    ),
    ModuleSpec(
        "cor_dosing",
        "text_block",
        "CARD",
        "Dosing and administration",
        "A single subcutaneous injection given by a healthcare professional: an initial dose, "
        "again at 3 months, then every 6 months. No dose adjustment for age or mild to "
        "moderate renal or hepatic impairment.",
    ),
    ModuleSpec(
        "cor_fig",
        "figure",
        "CARD",
        "LDL-C over 18 months",
        "Percentage change in LDL cholesterol from baseline at days 90, 270 and 510: obrisiran "
        "against placebo.",
        bars=(52, 4, 48, 3, 50, 2),
    ),
    ModuleSpec(
        "cor_brand",
        "key_message",
        "CARD",
        "Two doses a year, given in the clinic",
        "Cordavel fits the rhythm of routine visits: after the first two doses, one injection "
        "every six months, given by the care team.",
        author="pm1",
    ),
    ModuleSpec(
        "cor_brand_access",
        "text_block",
        "CARD",
        "Access and reimbursement support",
        "The Cordavel access team helps practices with benefit verification, prior "
        "authorisation and buy-and-bill questions.",
        author="pm1",
    ),
    # --- Cardiology: Myovesta (zelocamten), obstructive HCM ---------------------------------
    ModuleSpec(
        "myo_key",
        "key_message",
        "CARD",
        "Myovesta: treating the cause of obstruction",
        "Myovesta targets the cardiac myosin hypercontractility at the root of obstructive "
        "hypertrophic cardiomyopathy.",
    ),
    ModuleSpec(
        "myo_explorer",
        "claim",
        "CARD",
        "Functional response in obstructive HCM",
        "In symptomatic obstructive HCM, cardiac myosin inhibition met the composite functional "
        "end point (peak VO2 and NYHA class) in 37% of patients versus 17% on placebo.",
        ("PMID: 32871100", "doi:10.1016/S0140-6736(20)31792-X"),
    ),
    ModuleSpec(
        "myo_sequoia",
        "claim",
        "CARD",
        "Exercise capacity with a second myosin inhibitor",
        "A second cardiac myosin inhibitor improved peak oxygen uptake by 1.7 mL/kg/min versus "
        "placebo in obstructive HCM.",
        ("PMID: 38739079", "doi:10.1056/NEJMoa2401424"),
    ),
    ModuleSpec(
        "myo_lvef",
        "text_block",
        "CARD",
        "Echocardiographic monitoring",
        "Echocardiography before the first dose, at weeks 4, 8 and 12, then every 12 weeks. "
        "Interrupt treatment if LVEF falls below 50%; titrate by the LVOT gradient.",
    ),
    ModuleSpec(
        "myo_nhcm",
        "text_block",
        "CARD",
        "Non-obstructive HCM: status of the evidence",
        "Zelocamten is not approved for non-obstructive hypertrophic cardiomyopathy. A phase 3 "
        "trial in symptomatic non-obstructive HCM is under way; no results have been reported.",
    ),
    ModuleSpec(
        "myo_fig",
        "figure",
        "CARD",
        "Patients meeting the primary end point",
        "Share of patients meeting the composite functional end point: zelocamten against placebo.",
        bars=(37, 17),
    ),
    # --- Cardiology: Thrombexa (lorandexian), factor XIa, investigational --------------------
    ModuleSpec(
        "thr_doac",
        "claim",
        "CARD",
        "Direct oral anticoagulants versus warfarin",
        "Direct oral anticoagulants prevented stroke or systemic embolism at least as well as "
        "warfarin in non-valvular atrial fibrillation, with about half the rate of intracranial "
        "bleeding.",
        ("PMID: 21870978", "PMID: 19717844", "PMID: 24251359"),
    ),
    ModuleSpec(
        "thr_oceanic",
        "claim",
        "CARD",
        "First phase 3 result of an oral factor XIa inhibitor in AF",
        "The first phase 3 trial of an oral factor XIa inhibitor in atrial fibrillation was "
        "stopped early: stroke or systemic embolism was more frequent than with apixaban, with "
        "less major bleeding.",
        ("PMID: 39225267", "doi:10.1056/NEJMoa2407105"),
    ),
    ModuleSpec(
        "thr_rationale",
        "text_block",
        "CARD",
        "Why factor XI",
        "People with inherited factor XI deficiency have fewer venous thromboses and ischaemic "
        "strokes and rarely bleed spontaneously, so inhibiting factor XIa may separate the "
        "prevention of thrombosis from haemostasis.",
    ),
    ModuleSpec(
        "thr_status",
        "text_block",
        "CARD",
        "Lorandexian: development status",
        "Lorandexian is investigational and not approved for any use. Phase 3 trials in atrial "
        "fibrillation and after non-cardioembolic ischaemic stroke are enrolling; results are "
        "expected after 2027.",
    ),
    # --- Immunology: Solvenra (brelukimab, anti-IL-23 p19) ----------------------------------
    ModuleSpec(
        "sol_key",
        "key_message",
        "IMM",
        "Solvenra: clear skin that lasts",
        "Solvenra clears or nearly clears the skin of most patients with plaque psoriasis, with "
        "maintenance dosing every 12 weeks.",
    ),
    ModuleSpec(
        "sol_pasi",
        "claim",
        "IMM",
        "PASI 90 with IL-23 p19 blockade",
        "Selective IL-23 p19 blockade achieved PASI 90 at week 16 in 73% of patients, versus 3% "
        "on placebo and 50% on adalimumab.",
        ("PMID: 28057360",),
    ),
    ModuleSpec(
        "sol_pasi_ust",
        "claim",
        "IMM",
        "PASI 90 versus ustekinumab",
        "IL-23 p19 blockade achieved PASI 90 at week 16 in 75% of patients, versus 42-48% with "
        "ustekinumab, in two replicate phase 3 trials.",
        ("PMID: 30097359", "doi:10.1016/S0140-6736(18)31713-6"),
    ),
    ModuleSpec(
        "sol_psa",
        "text_block",
        "IMM",
        "Psoriatic arthritis: joints, skin and enthesitis",
        "In active psoriatic arthritis, brelukimab improved joint symptoms, enthesitis and "
        "dactylitis together with skin disease.",
    ),
    ModuleSpec(
        "sol_crohn",
        "claim",
        "IMM",
        "Targeting the IL-23 pathway in Crohn's disease",
        "In moderate-to-severe Crohn's disease, intravenous induction with an IL-12/23 antibody "
        "gave clinical response at week 6 in 34% of patients after anti-TNF failure, versus "
        "22% on placebo.",
        ("PMID: 27959607", "doi:10.1056/NEJMoa1602773"),
    ),
    ModuleSpec(
        "sol_safety",
        "text_block",
        "IMM",
        "Important safety information: brelukimab",
        "Serious infections, including tuberculosis: screen before starting. Hypersensitivity "
        "reactions. Avoid live vaccines. See the full prescribing information.",
    ),
    ModuleSpec(
        "sol_fig",
        "figure",
        "IMM",
        "PASI 90 at week 16",
        "Share of patients reaching PASI 90 at week 16: brelukimab, adalimumab, placebo.",
        bars=(73, 50, 3),
    ),
    ModuleSpec(
        "sol_brand",
        "key_message",
        "IMM",
        "Solvenra Support: from prescription to first dose",
        "Solvenra Support enrols patients in minutes, checks coverage and arranges a nurse "
        "visit for the first injection.",
        author="pm1",
    ),
    # --- Immunology: Arthrava (filotacitinib), JAK inhibitor -------------------------------
    ModuleSpec(
        "art_key",
        "key_message",
        "IMM",
        "Arthrava: once-daily oral treatment after a csDMARD",
        "Arthrava is a once-daily oral JAK inhibitor that relieves the signs and symptoms of "
        "rheumatoid arthritis within weeks after an inadequate response to a csDMARD.",
    ),
    ModuleSpec(
        "art_beam",
        "claim",
        "IMM",
        "ACR20 versus placebo and adalimumab",
        "In rheumatoid arthritis with an inadequate response to methotrexate, an oral JAK "
        "inhibitor achieved ACR20 at week 12 in 70% of patients, versus 40% on placebo and 61% "
        "on adalimumab.",
        ("PMID: 28199814", "doi:10.1056/NEJMoa1608345"),
    ),
    ModuleSpec(
        "art_surv",
        "claim",
        "IMM",
        "Cardiovascular events and cancer with JAK inhibition",
        "In patients aged 50 or older with at least one cardiovascular risk factor, JAK "
        "inhibition was associated with more major adverse cardiovascular events (hazard ratio "
        "1.33) and cancers (hazard ratio 1.48) than TNF inhibition.",
        ("PMID: 35081280", "doi:10.1056/NEJMoa2109927"),
    ),
    ModuleSpec(
        "art_cv_early",
        "claim",
        "IMM",
        "Cardiovascular events in the 12-week controlled periods",
        "Major adverse cardiovascular events were as rare with the oral JAK inhibitor as with "
        "placebo during the 12-week placebo-controlled periods.",
        ("PMID: 28199814",),
    ),
    ModuleSpec(
        "art_zoster",
        "text_block",
        "IMM",
        "Herpes zoster and vaccination",
        "Herpes zoster is more frequent with JAK inhibitors, especially in older patients and in "
        "Asia. Where possible, give the recombinant zoster vaccine before the first dose.",
    ),
    ModuleSpec(
        "art_uc",
        "claim",
        "IMM",
        "JAK inhibition in ulcerative colitis",
        "In moderately to severely active ulcerative colitis, an oral JAK inhibitor induced "
        "remission at week 8 in 18.5% of patients versus 8.2% on placebo.",
        ("PMID: 28467869",),
    ),
    ModuleSpec(
        "art_ad",
        "text_block",
        "IMM",
        "Adolescents with atopic dermatitis: no data",
        "Filotacitinib has not been studied in adolescents with atopic dermatitis; no "
        "efficacy, safety or dosing data are available in this population.",
    ),
    ModuleSpec(
        "art_fig",
        "figure",
        "IMM",
        "ACR20 at week 12",
        "Share of patients reaching ACR20 at week 12: filotacitinib, adalimumab, placebo.",
        bars=(70, 61, 40),
    ),
    ModuleSpec(
        "art_brand",
        "key_message",
        "IMM",
        "One tablet, once a day",
        "Arthrava is one tablet once a day, with or without food.",
        author="pm1",
    ),
)


def _faq(*paragraphs: str, references: tuple[str, ...] = ()) -> str:
    """A standard response as the rich text editor stores it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if references:
        items = "".join(f"<li>{r}</li>" for r in references)
        body += f"<h4>References</h4><ol>{items}</ol>"
    return body


NOT_APPROVED = (
    "This response is provided in answer to your unsolicited request. <strong>{use} is not an "
    "approved use of {brand}</strong>; its safety and efficacy in this setting have not been "
    "established."
)


ITEMS: tuple[ItemSpec, ...] = (
    # --- Tavriqo ---------------------------------------------------------------------------
    ItemSpec(
        "tav_deck",
        "deck",
        "Tavriqo in EGFR exon 20 insertion NSCLC after platinum chemotherapy",
        "Efficacy, durability and safety of ravolentinib in previously treated EGFR exon 20 "
        "insertion non-small cell lung cancer.",
        "ONC",
        ("Tavriqo",),
        ("tav_key", "tav_orr", "tav_dor", "tav_fig", "tav_safety"),
        APPROVED,
        470,
        indications=(("Tavriqo", "after platinum"),),
        revision=RevisionSpec(
            75,
            "Safety section aligned with the updated prescribing information; references "
            "reformatted.",
        ),
    ),
    ItemSpec(
        "tav_reprint",
        "reprint",
        "Reprint: Park K et al., J Clin Oncol 2021 - EGFR exon 20 insertion NSCLC after "
        "platinum (CHRYSALIS)",
        "Publication reprint of the pivotal post-platinum cohort in EGFR exon 20 insertion NSCLC.",
        "ONC",
        ("Tavriqo",),
        ("tav_orr", "tav_dor"),
        APPROVED,
        455,
        indications=(("Tavriqo", "after platinum"),),
    ),
    ItemSpec(
        "tav_testing",
        "infographic",
        "EGFR exon 20 insertions: who to test and how",
        "One-page guide to finding exon 20 insertions with next-generation sequencing at "
        "diagnosis.",
        "ONC",
        ("Tavriqo",),
        ("tav_testing",),
        APPROVED,
        380,
        author="msl1",
    ),
    ItemSpec(
        "tav_firstline_faq",
        "faq",
        "Standard response: ravolentinib with chemotherapy in first-line EGFR exon 20 "
        "insertion NSCLC",
        "For unsolicited requests about first-line use, which is not approved.",
        "ONC",
        ("Tavriqo",),
        ("tav_firstline",),
        APPROVED,
        300,
        indications=(("Tavriqo", "first line"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(use="First-line treatment with chemotherapy", brand="Tavriqo"),
            "Ravolentinib is approved for adults with EGFR exon 20 insertion NSCLC whose disease "
            "progressed on or after platinum-based chemotherapy. A randomised phase 3 trial of "
            "ravolentinib with carboplatin-pemetrexed in previously untreated patients is "
            "enrolling; no results have been reported.",
            "In the same setting, adding an EGFR-MET bispecific antibody to carboplatin-"
            "pemetrexed prolonged median progression-free survival to 11.4 versus 6.7 months "
            "(hazard ratio 0.40).<sup>1</sup> Results of one medicine cannot be assumed for "
            "another.",
            references=("Zhou C et al. N Engl J Med 2023;389:2039-51 (PMID 37870976).",),
        ),
    ),
    ItemSpec(
        "tav_moa",
        "video",
        "Ravolentinib mechanism of action (animation, 3 minutes)",
        "How ravolentinib binds EGFR with exon 20 insertions while sparing wild-type EGFR.",
        "ONC",
        ("Tavriqo",),
        ("tav_key",),
        APPROVED,
        420,
        indications=(("Tavriqo", "after platinum"),),
    ),
    ItemSpec(
        "tav_training",
        "deck",
        "MSL training: EGFR exon 20 insertion testing pathways",
        "Internal training on testing pathways, turnaround times and how to discuss them with "
        "pathologists.",
        "ONC",
        ("Tavriqo",),
        ("tav_testing", "tav_orr"),
        APPROVED,
        360,
        audiences=TRAINING,
    ),
    ItemSpec(
        "tav_esmo",
        "deck",
        "ESMO 2025 highlights: ravolentinib and the exon 20 landscape",
        "Congress highlights for field medical: new data in EGFR exon 20 insertion NSCLC.",
        "ONC",
        ("Tavriqo",),
        ("tav_orr", "tav_dor"),
        EXPIRED,
        400,
        indications=(("Tavriqo", "after platinum"),),
        ends_days_before=38,
    ),
    ItemSpec(
        "tav_rwe",
        "deck",
        "Real-world outcomes with ravolentinib: Northeast community oncology experience",
        "Draft summary of a regional chart review for an advisory board.",
        "ONC",
        ("Tavriqo",),
        ("tav_key", "tav_testing"),
        DRAFT,
        18,
        indications=(("Tavriqo", "after platinum"),),
        author="msl1",
    ),
    # --- Lumezra ---------------------------------------------------------------------------
    ItemSpec(
        "lum_deck",
        "deck",
        "Lumezra in triple-class-exposed relapsed or refractory multiple myeloma",
        "Response, durability and cytokine release syndrome with pelvatamab after three or more "
        "prior lines.",
        "ONC",
        ("Lumezra",),
        ("lum_key", "lum_orr", "lum_dor", "lum_fig", "lum_crs"),
        APPROVED,
        430,
        indications=(("Lumezra", "three or more"),),
        revision=RevisionSpec(
            52,
            "Durability updated with the 30-month follow-up.",
            rewordings=(
                (
                    "lum_dor",
                    "With 30 months of follow-up, median duration of response was 24.0 months "
                    "and median progression-free survival 11.4 months.",
                ),
            ),
        ),
    ),
    ItemSpec(
        "lum_crs_deck",
        "deck",
        "Cytokine release syndrome with Lumezra: recognition, grading and step-up dosing",
        "For haematologists and nurses setting up outpatient step-up dosing.",
        "ONC",
        ("Lumezra",),
        ("lum_crs", "lum_stepup"),
        APPROVED,
        395,
        indications=(("Lumezra", "three or more"),),
        comments=(
            "Slide 4: say that grade 3 events occurred, with their rate; 'almost all grade 1 "
            "or 2' alone is not balanced.",
        ),
    ),
    ItemSpec(
        "lum_stepup_info",
        "infographic",
        "Lumezra step-up dosing schedule at a glance",
        "Wall chart of the step-up doses, monitoring windows and premedication.",
        "ONC",
        ("Lumezra",),
        ("lum_stepup",),
        APPROVED,
        340,
        indications=(("Lumezra", "three or more"),),
    ),
    ItemSpec(
        "lum_reprint",
        "reprint",
        "Reprint: Moreau P et al., N Engl J Med 2022 - BCMA x CD3 bispecific antibody in "
        "relapsed or refractory myeloma (MajesTEC-1)",
        "Publication reprint of the pivotal phase 1-2 study of a BCMA x CD3 bispecific.",
        "ONC",
        ("Lumezra",),
        ("lum_orr", "lum_crs"),
        APPROVED,
        410,
        indications=(("Lumezra", "three or more"),),
    ),
    ItemSpec(
        "lum_ndmm_faq",
        "faq",
        "Standard response: pelvatamab in newly diagnosed transplant-ineligible multiple myeloma",
        "For unsolicited requests about front-line use, which is not approved.",
        "ONC",
        ("Lumezra",),
        ("lum_ndmm",),
        APPROVED,
        280,
        indications=(("Lumezra", "Newly diagnosed"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(
                use="Treatment of newly diagnosed, transplant-ineligible myeloma", brand="Lumezra"
            ),
            "Pelvatamab is approved for relapsed or refractory multiple myeloma after three or "
            "more prior lines including a proteasome inhibitor, an immunomodulatory agent and an "
            "anti-CD38 antibody. A phase 3 trial of pelvatamab with daratumumab and lenalidomide "
            "in transplant-ineligible newly diagnosed myeloma is enrolling.",
            "The current standard in this setting rests on anti-CD38 antibody with lenalidomide "
            "and dexamethasone, which reduced the risk of progression or death by 44%.<sup>1"
            "</sup>",
            references=("Facon T et al. N Engl J Med 2019 (PMID 31141632).",),
        ),
    ),
    ItemSpec(
        "lum_nurse_video",
        "video",
        "Managing CRS and neurotoxicity in the outpatient setting: a nurse educator's view",
        "Twelve-minute interview on outpatient monitoring after step-up doses.",
        "ONC",
        ("Lumezra",),
        ("lum_crs", "lum_stepup"),
        IN_REVIEW,
        34,
        indications=(("Lumezra", "three or more"),),
        signatures=2,
    ),
    ItemSpec(
        "lum_ash",
        "deck",
        "ASH 2025 highlights: Lumezra long-term follow-up",
        "Congress highlights for field medical.",
        "ONC",
        ("Lumezra",),
        ("lum_orr", "lum_dor"),
        EXPIRED,
        330,
        indications=(("Lumezra", "three or more"),),
        ends_days_before=12,
    ),
    # --- Ostavix ---------------------------------------------------------------------------
    ItemSpec(
        "ost_deck",
        "deck",
        "Ostavix in advanced melanoma: long-term survival",
        "Progression-free and overall survival with darucilimab in unresectable or metastatic "
        "melanoma.",
        "ONC",
        ("Ostavix",),
        ("ost_key", "ost_pfs", "ost_fig", "ost_irae"),
        APPROVED,
        520,
        indications=(("Ostavix", "Unresectable"),),
        revision=RevisionSpec(
            62,
            "Extended to the adjuvant stage III indication, with the adjuvant efficacy claim.",
            modules=("ost_key", "ost_pfs", "ost_fig", "ost_adj", "ost_irae"),
            indications=(("Ostavix", "Unresectable"), ("Ostavix", "stage III")),
        ),
    ),
    ItemSpec(
        "ost_adj_deck",
        "deck",
        "Adjuvant Ostavix in resected stage III melanoma",
        "Recurrence-free survival with adjuvant darucilimab versus placebo and versus ipilimumab.",
        "ONC",
        ("Ostavix",),
        ("ost_key", "ost_adj", "ost_adj_ipi", "ost_irae"),
        APPROVED,
        500,
        indications=(("Ostavix", "stage III"),),
    ),
    ItemSpec(
        "ost_reprint_067",
        "reprint",
        "Reprint: Larkin J et al., N Engl J Med 2015 - combined PD-1 and CTLA-4 blockade in "
        "untreated melanoma (CheckMate 067)",
        "Publication reprint.",
        "ONC",
        ("Ostavix",),
        ("ost_pfs",),
        APPROVED,
        540,
        indications=(("Ostavix", "Unresectable"),),
    ),
    ItemSpec(
        "ost_reprint_054",
        "reprint",
        "Reprint: Eggermont AMM et al., N Engl J Med 2018 - adjuvant PD-1 blockade in resected "
        "stage III melanoma (KEYNOTE-054)",
        "Publication reprint.",
        "ONC",
        ("Ostavix",),
        ("ost_adj",),
        APPROVED,
        490,
        indications=(("Ostavix", "stage III"),),
    ),
    ItemSpec(
        "ost_irae_faq",
        "faq",
        "Standard response: managing immune-related adverse events with darucilimab",
        "Recognition and management of immune-related adverse events by organ.",
        "ONC",
        ("Ostavix",),
        ("ost_irae",),
        APPROVED,
        450,
        indications=(("Ostavix", "Unresectable"), ("Ostavix", "stage III")),
        body=_faq(
            "Thank you for your question about immune-related adverse events with darucilimab.",
            "Immune-related adverse events can affect any organ, most often the skin, gut, liver "
            "and endocrine glands. They usually appear within the first months of treatment but "
            "may start after the last dose.",
            "<strong>Management:</strong> withhold darucilimab for grade 2 events and start "
            "prednisone 0.5-1 mg/kg/day; for grade 3-4 events give 1-2 mg/kg/day and stop "
            "permanently for most grade 4 events. Taper corticosteroids over at least four "
            "weeks. Endocrinopathies are managed with hormone replacement and may not need "
            "interruption.",
            "Section 4.4 of the prescribing information gives the full modification table.",
        ),
    ),
    ItemSpec(
        "ost_hcc_faq",
        "faq",
        "Standard response: darucilimab as adjuvant treatment of hepatocellular carcinoma",
        "For unsolicited requests about adjuvant use in HCC, which is not approved.",
        "ONC",
        ("Ostavix",),
        ("ost_hcc",),
        APPROVED,
        260,
        indications=(("Ostavix", "hepatocellular"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(
                use="Adjuvant treatment of hepatocellular carcinoma", brand="Ostavix"
            ),
            "A randomised, double-blind phase 3 trial of darucilimab versus placebo after "
            "resection or ablation of hepatocellular carcinoma at high risk of recurrence is "
            "enrolling. No efficacy or safety results in this setting have been reported.",
            "We will be glad to send the trial's registry entry, or to put you in touch with the "
            "study team if you have a patient who may be eligible.",
        ),
    ),
    ItemSpec(
        "ost_irae_info",
        "infographic",
        "Immune-related adverse events by organ system",
        "Body map of immune-related adverse events with the first steps for each.",
        "ONC",
        ("Ostavix",),
        ("ost_irae",),
        IN_REVIEW,
        26,
        indications=(("Ostavix", "Unresectable"), ("Ostavix", "stage III")),
        signatures=1,
    ),
    ItemSpec(
        "ost_4y",
        "deck",
        "Ostavix 4-year melanoma outcomes (2024 data cut)",
        "Superseded by the long-term survival deck.",
        "ONC",
        ("Ostavix",),
        ("ost_key", "ost_pfs"),
        EXPIRED,
        640,
        indications=(("Ostavix", "Unresectable"),),
        ends_days_before=95,
    ),
    # --- Cordavel --------------------------------------------------------------------------
    ItemSpec(
        "cor_deck",
        "deck",
        "Cordavel: twice-yearly LDL-C lowering on top of statin therapy",
        "LDL-C efficacy, dosing and safety of obrisiran in primary hypercholesterolaemia.",
        "CARD",
        ("Cordavel",),
        ("cor_key", "cor_ldl", "cor_fig", "cor_ctt", "cor_dosing"),
        APPROVED,
        560,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
        revision=RevisionSpec(
            16,
            "Adds the adherence sub-analysis and updates the dosing page.",
            outcome=IN_REVIEW,
        ),
    ),
    ItemSpec(
        "cor_ldl_info",
        "infographic",
        "LDL cholesterol: lower for longer",
        "Why every mmol/L of LDL-C lowering counts, in one page.",
        "CARD",
        ("Cordavel",),
        ("cor_ctt", "cor_fig"),
        APPROVED,
        470,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
        author="msl3",
    ),
    ItemSpec(
        "cor_reprint_orion",
        "reprint",
        "Reprint: Ray KK et al., N Engl J Med 2020 - siRNA LDL-C lowering in ORION-10 and ORION-11",
        "Publication reprint of the two pivotal phase 3 lipid trials.",
        "CARD",
        ("Cordavel",),
        ("cor_ldl",),
        APPROVED,
        545,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
    ),
    ItemSpec(
        "cor_reprint_ctt",
        "reprint",
        "Reprint: Cholesterol Treatment Trialists' Collaboration, Lancet 2010 - more versus "
        "less intensive LDL lowering",
        "Publication reprint of the individual-patient meta-analysis of 26 statin trials.",
        "CARD",
        ("Cordavel",),
        ("cor_ctt",),
        APPROVED,
        530,
    ),
    ItemSpec(
        "cor_hefh_faq",
        "faq",
        "Standard response: obrisiran in adolescents with heterozygous familial "
        "hypercholesterolaemia",
        "For unsolicited requests about paediatric use, which is not approved.",
        "CARD",
        ("Cordavel",),
        ("cor_hefh",),
        APPROVED,
        310,
        indications=(("Cordavel", "adolescents"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(
                use="Treatment of adolescents with heterozygous familial hypercholesterolaemia",
                brand="Cordavel",
            ),
            "In adults with heterozygous familial hypercholesterolaemia, siRNA PCSK9 silencing "
            "lowered LDL cholesterol by 48% versus placebo at day 510.<sup>1</sup> A phase 3 "
            "trial in adolescents aged 12 to 17 has completed enrolment; its results have not "
            "been published.",
            references=("Raal FJ et al. N Engl J Med 2020;382:1520-30 (PMID 32197277).",),
        ),
    ),
    ItemSpec(
        "cor_injection_video",
        "video",
        "Administering obrisiran: the injection in practice (2 minutes)",
        "For nurses and practice staff giving the injection.",
        "CARD",
        ("Cordavel",),
        ("cor_dosing",),
        APPROVED,
        440,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
    ),
    ItemSpec(
        "cor_leave_behind",
        "deck",
        "Cordavel leave-behind: two doses a year",
        "Promotional leave-behind for cardiology practices.",
        "CARD",
        ("Cordavel",),
        ("cor_brand", "cor_brand_access"),
        APPROVED,
        350,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
        audiences=COMMERCIAL,
        author="pm1",
        comments=(
            "Add the indication statement and the fair-balance safety paragraph to the first page.",
        ),
    ),
    ItemSpec(
        "cor_outcomes_deck",
        "deck",
        "Cordavel cardiovascular outcomes programme: trial designs",
        "The outcomes trials of obrisiran and what they will answer.",
        "CARD",
        ("Cordavel",),
        ("cor_outcomes", "cor_ctt"),
        RETURNED,
        48,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
        comments=(
            "Slide 3 implies an outcome benefit for obrisiran that is not yet shown; present the "
            "PCSK9 antibody results as class evidence and the obrisiran trials as designs only.",
        ),
    ),
    ItemSpec(
        "cor_launch",
        "deck",
        "Cordavel launch deck (2024)",
        "Superseded by the twice-yearly LDL-C deck.",
        "CARD",
        ("Cordavel",),
        ("cor_key", "cor_ldl"),
        EXPIRED,
        650,
        indications=(("Cordavel", "Primary hypercholesterolaemia"),),
        ends_days_before=150,
    ),
    # --- Myovesta --------------------------------------------------------------------------
    ItemSpec(
        "myo_deck",
        "deck",
        "Myovesta in symptomatic obstructive hypertrophic cardiomyopathy",
        "Functional response, LVOT gradient and echocardiographic monitoring with zelocamten.",
        "CARD",
        ("Myovesta",),
        ("myo_key", "myo_explorer", "myo_fig", "myo_lvef"),
        APPROVED,
        480,
        indications=(("Myovesta", "Symptomatic obstructive"),),
    ),
    ItemSpec(
        "myo_reprint",
        "reprint",
        "Reprint: Olivotto I et al., Lancet 2020 - cardiac myosin inhibition in obstructive "
        "HCM (EXPLORER-HCM)",
        "Publication reprint of the pivotal phase 3 trial.",
        "CARD",
        ("Myovesta",),
        ("myo_explorer",),
        APPROVED,
        470,
        indications=(("Myovesta", "Symptomatic obstructive"),),
    ),
    ItemSpec(
        "myo_echo_info",
        "infographic",
        "Echo monitoring and dose titration with zelocamten",
        "The monitoring schedule and titration steps on one page.",
        "CARD",
        ("Myovesta",),
        ("myo_lvef",),
        APPROVED,
        400,
        indications=(("Myovesta", "Symptomatic obstructive"),),
        author="msl3",
        revision=RevisionSpec(
            44,
            "Monitoring interval after week 12 follows the updated label.",
            rewordings=(
                (
                    "myo_lvef",
                    "Echocardiography before the first dose and at weeks 4, 8 and 12; then "
                    "every 12 weeks, or every 24 weeks in patients on a stable dose with LVEF of "
                    "55% or more. Interrupt treatment if LVEF falls below 50%.",
                ),
            ),
        ),
    ),
    ItemSpec(
        "myo_nhcm_faq",
        "faq",
        "Standard response: zelocamten in non-obstructive hypertrophic cardiomyopathy",
        "For unsolicited requests about non-obstructive HCM, which is not approved.",
        "CARD",
        ("Myovesta",),
        ("myo_nhcm",),
        APPROVED,
        240,
        indications=(("Myovesta", "Non-obstructive"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(
                use="Treatment of non-obstructive hypertrophic cardiomyopathy", brand="Myovesta"
            ),
            "Zelocamten is approved for adults with symptomatic obstructive hypertrophic "
            "cardiomyopathy (NYHA class II-III). A randomised phase 3 trial in symptomatic "
            "non-obstructive HCM is under way; no efficacy or safety results have been "
            "reported.",
            "Because zelocamten lowers contractility, patients without outflow obstruction may "
            "be more exposed to a fall in LVEF; the trial monitors this closely.",
        ),
    ),
    ItemSpec(
        "myo_training",
        "deck",
        "MSL training: the cardiac sarcomere and obstructive HCM",
        "Internal training on the pathophysiology of HCM and the myosin inhibitor class.",
        "CARD",
        ("Myovesta",),
        ("myo_key", "myo_sequoia"),
        APPROVED,
        380,
        audiences=TRAINING,
    ),
    ItemSpec(
        "myo_echo_video",
        "video",
        "Echo-guided titration of zelocamten in practice",
        "An echocardiographer walks through the titration visits.",
        "CARD",
        ("Myovesta",),
        ("myo_lvef",),
        IN_REVIEW,
        12,
        indications=(("Myovesta", "Symptomatic obstructive"),),
    ),
    # --- Thrombexa (investigational) -------------------------------------------------------
    ItemSpec(
        "thr_biology",
        "deck",
        "Factor XI biology: the rationale for factor XIa inhibition",
        "Disease-state education: anticoagulation today and why factor XI is a target.",
        "CARD",
        ("Thrombexa",),
        ("thr_rationale", "thr_doac"),
        APPROVED,
        360,
    ),
    ItemSpec(
        "thr_af_faq",
        "faq",
        "Standard response: lorandexian in atrial fibrillation - status of the phase 3 programme",
        "For unsolicited requests about lorandexian in AF; the medicine is investigational.",
        "CARD",
        ("Thrombexa",),
        ("thr_status", "thr_oceanic"),
        APPROVED,
        230,
        indications=(("Thrombexa", "atrial fibrillation"),),
        usage=REACTIVE,
        body=_faq(
            "This response is provided in answer to your unsolicited request. <strong>Lorandexian"
            " is investigational and not approved for any use.</strong>",
            "A phase 3 trial compares lorandexian with apixaban for the prevention of stroke and "
            "systemic embolism in non-valvular atrial fibrillation; enrolment continues and "
            "results are expected after 2027.",
            "The first phase 3 trial of another oral factor XIa inhibitor in atrial fibrillation "
            "was stopped early because stroke or systemic embolism was more frequent than with "
            "apixaban.<sup>1</sup> The lorandexian programme uses a dose chosen for near-"
            "complete factor XIa inhibition throughout the dosing interval.",
            references=("Piccini JP et al. N Engl J Med 2025 (PMID 39225267).",),
        ),
    ),
    ItemSpec(
        "thr_stroke_faq",
        "faq",
        "Standard response: lorandexian after non-cardioembolic ischaemic stroke",
        "For unsolicited requests about secondary stroke prevention; the medicine is "
        "investigational.",
        "CARD",
        ("Thrombexa",),
        ("thr_status",),
        APPROVED,
        200,
        indications=(("Thrombexa", "ischaemic stroke"),),
        usage=REACTIVE,
        body=_faq(
            "This response is provided in answer to your unsolicited request. <strong>Lorandexian"
            " is investigational and not approved for any use.</strong>",
            "A phase 3 trial is testing lorandexian added to antiplatelet therapy after acute "
            "non-cardioembolic ischaemic stroke or high-risk transient ischaemic attack. No "
            "results have been reported.",
        ),
    ),
    ItemSpec(
        "thr_training",
        "deck",
        "MSL training: the factor XI inhibitor landscape",
        "Internal training: the class, its trials and what has been reported so far.",
        "CARD",
        ("Thrombexa",),
        ("thr_oceanic", "thr_rationale"),
        APPROVED,
        190,
        audiences=TRAINING,
    ),
    ItemSpec(
        "thr_investigators",
        "deck",
        "Lorandexian phase 3 programme: overview for investigators",
        "Draft for investigator meetings.",
        "CARD",
        ("Thrombexa",),
        ("thr_status", "thr_rationale"),
        DRAFT,
        9,
    ),
    # --- Solvenra --------------------------------------------------------------------------
    ItemSpec(
        "sol_deck",
        "deck",
        "Solvenra in moderate-to-severe plaque psoriasis: 3-year data",
        "Skin clearance and its durability with brelukimab, with the safety profile.",
        "IMM",
        ("Solvenra",),
        ("sol_key", "sol_pasi", "sol_pasi_ust", "sol_fig", "sol_safety"),
        APPROVED,
        500,
        indications=(("Solvenra", "plaque psoriasis"),),
    ),
    ItemSpec(
        "sol_psa_deck",
        "deck",
        "Solvenra in active psoriatic arthritis",
        "Joints, enthesitis, dactylitis and skin with brelukimab.",
        "IMM",
        ("Solvenra",),
        ("sol_key", "sol_psa", "sol_safety"),
        APPROVED,
        420,
        indications=(("Solvenra", "psoriatic arthritis"),),
        author="msl_b",
        comments=(
            "The radiographic claim needs its reference or must go; and the title promises "
            "'remission', which the data do not show.",
        ),
    ),
    ItemSpec(
        "sol_pasi_info",
        "infographic",
        "PASI 90 at week 16 with brelukimab",
        "The head-to-head results on one page.",
        "IMM",
        ("Solvenra",),
        ("sol_pasi", "sol_fig"),
        APPROVED,
        380,
        indications=(("Solvenra", "plaque psoriasis"),),
    ),
    ItemSpec(
        "sol_reprint",
        "reprint",
        "Reprint: Gordon KB et al., Lancet 2018 - IL-23 p19 blockade versus ustekinumab in "
        "plaque psoriasis (UltIMMa-1 and UltIMMa-2)",
        "Publication reprint.",
        "IMM",
        ("Solvenra",),
        ("sol_pasi_ust",),
        APPROVED,
        460,
        indications=(("Solvenra", "plaque psoriasis"),),
    ),
    ItemSpec(
        "sol_crohn_faq",
        "faq",
        "Standard response: brelukimab in Crohn's disease",
        "For unsolicited requests about Crohn's disease, which is not approved.",
        "IMM",
        ("Solvenra",),
        ("sol_crohn",),
        APPROVED,
        270,
        indications=(("Solvenra", "Crohn"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(use="Treatment of Crohn's disease", brand="Solvenra"),
            "Phase 3 induction and maintenance trials of brelukimab in moderately to severely "
            "active Crohn's disease are ongoing. Antibodies against the IL-23 pathway have shown "
            "efficacy in Crohn's disease: intravenous induction with an IL-12/23 antibody gave "
            "clinical response at week 6 in 34% of patients after anti-TNF failure versus 22% on "
            "placebo.<sup>1</sup> Crohn's disease trials use intravenous induction doses that "
            "differ from the psoriasis dose.",
            references=("Feagan BG et al. N Engl J Med 2016 (PMID 27959607).",),
        ),
    ),
    ItemSpec(
        "sol_support",
        "deck",
        "Solvenra Support programme: enrolment guide for practices",
        "Promotional guide to the patient support programme.",
        "IMM",
        ("Solvenra",),
        ("sol_brand",),
        APPROVED,
        300,
        indications=(("Solvenra", "plaque psoriasis"), ("Solvenra", "psoriatic arthritis")),
        audiences=COMMERCIAL,
        author="pm1",
    ),
    ItemSpec(
        "sol_patient_video",
        "video",
        "Living with psoriatic disease: a patient's story",
        "A patient describes the years before diagnosis and life on treatment.",
        "IMM",
        ("Solvenra",),
        ("sol_key",),
        RETURNED,
        40,
        indications=(("Solvenra", "psoriatic arthritis"),),
        author="msl_b",
        comments=(
            "A signed consent for the testimonial must be on file, and the closing statement "
            "needs the fair-balance safety information.",
        ),
    ),
    ItemSpec(
        "sol_2y",
        "deck",
        "Solvenra 2-year psoriasis data (2024)",
        "Superseded by the 3-year data deck.",
        "IMM",
        ("Solvenra",),
        ("sol_key", "sol_pasi"),
        EXPIRED,
        620,
        indications=(("Solvenra", "plaque psoriasis"),),
        ends_days_before=60,
    ),
    # --- Arthrava --------------------------------------------------------------------------
    ItemSpec(
        "art_deck",
        "deck",
        "Arthrava in rheumatoid arthritis after csDMARD inadequate response",
        "Efficacy against placebo and adalimumab, and the safety of filotacitinib.",
        "IMM",
        ("Arthrava",),
        ("art_key", "art_beam", "art_fig", "art_surv", "art_zoster"),
        APPROVED,
        510,
        indications=(("Arthrava", "rheumatoid"),),
        revision=RevisionSpec(
            10,
            "Adds the 5-year long-term extension data.",
            outcome=DRAFT,
        ),
    ),
    ItemSpec(
        "art_safety_faq",
        "faq",
        "Standard response: JAK inhibitor safety - major adverse cardiovascular events, "
        "malignancy and venous thromboembolism",
        "What is known of the class risks and how the label addresses them.",
        "IMM",
        ("Arthrava",),
        ("art_surv",),
        APPROVED,
        45,
        indications=(("Arthrava", "rheumatoid"),),
        body=_faq(
            "Thank you for your question about the safety of filotacitinib.",
            "In a randomised safety trial of patients with rheumatoid arthritis aged 50 or "
            "older with at least one cardiovascular risk factor, a JAK inhibitor was associated "
            "with more major adverse cardiovascular events (hazard ratio 1.33) and cancers "
            "(hazard ratio 1.48) than TNF inhibitors.<sup>1</sup> The prescribing information of "
            "filotacitinib carries a warning for these risks and for venous thromboembolism.",
            "<strong>In practice:</strong> in patients over 65, current or past long-time "
            "smokers, and those with other cardiovascular or malignancy risk factors, use "
            "filotacitinib only if no suitable alternative is available.",
            references=("Ytterberg SR et al. N Engl J Med 2022;386:316-26 (PMID 35081280).",),
        ),
    ),
    ItemSpec(
        "art_reprint_surv",
        "reprint",
        "Reprint: Ytterberg SR et al., N Engl J Med 2022 - cardiovascular and cancer risk with "
        "JAK inhibition (ORAL Surveillance)",
        "Publication reprint.",
        "IMM",
        ("Arthrava",),
        ("art_surv",),
        APPROVED,
        60,
        indications=(("Arthrava", "rheumatoid"),),
    ),
    ItemSpec(
        "art_reprint_beam",
        "reprint",
        "Reprint: Taylor PC et al., N Engl J Med 2017 - oral JAK inhibition versus placebo or "
        "adalimumab in rheumatoid arthritis (RA-BEAM)",
        "Publication reprint.",
        "IMM",
        ("Arthrava",),
        ("art_beam",),
        APPROVED,
        500,
        indications=(("Arthrava", "rheumatoid"),),
    ),
    ItemSpec(
        "art_uc_faq",
        "faq",
        "Standard response: filotacitinib in ulcerative colitis",
        "For unsolicited requests about ulcerative colitis, which is not approved.",
        "IMM",
        ("Arthrava",),
        ("art_uc",),
        APPROVED,
        250,
        indications=(("Arthrava", "ulcerative colitis"),),
        usage=REACTIVE,
        body=_faq(
            NOT_APPROVED.format(use="Treatment of ulcerative colitis", brand="Arthrava"),
            "Filotacitinib has not been studied in a completed trial in ulcerative colitis; a "
            "phase 2 dose-ranging study is enrolling. Another oral JAK inhibitor induced "
            "remission at week 8 in 18.5% of patients versus 8.2% on placebo.<sup>1</sup>",
            references=("Sandborn WJ et al. N Engl J Med 2017 (PMID 28467869).",),
        ),
    ),
    ItemSpec(
        "art_ad_faq",
        "faq",
        "Standard response: filotacitinib in adolescents with atopic dermatitis",
        "For unsolicited requests about adolescents with atopic dermatitis, which is not approved.",
        "IMM",
        ("Arthrava",),
        ("art_ad",),
        IN_REVIEW,
        22,
        indications=(("Arthrava", "Atopic dermatitis"),),
        usage=REACTIVE,
        signatures=1,
        body=_faq(
            NOT_APPROVED.format(
                use="Treatment of adolescents with atopic dermatitis", brand="Arthrava"
            ),
            "Filotacitinib has not been studied in adolescents with atopic dermatitis, and no "
            "efficacy, safety or dosing data are available in this population.",
        ),
    ),
    ItemSpec(
        "art_zoster_info",
        "infographic",
        "Herpes zoster vaccination before starting a JAK inhibitor",
        "Who to vaccinate, with what, and when to start treatment.",
        "IMM",
        ("Arthrava",),
        ("art_zoster",),
        APPROVED,
        330,
        indications=(("Arthrava", "rheumatoid"),),
    ),
    ItemSpec(
        "art_cv_summary",
        "deck",
        "Arthrava cardiovascular safety summary (2025)",
        "Cardiovascular events in the controlled periods of the filotacitinib programme.",
        "IMM",
        ("Arthrava",),
        ("art_key", "art_cv_early", "art_beam"),
        WITHDRAWN,
        420,
        indications=(("Arthrava", "rheumatoid"),),
        ends_days_before=24,
        reason=(
            "The October 2026 label update added a warning on major adverse cardiovascular "
            "events; the 12-week placebo comparison on slide 3 no longer gives a fair picture of "
            "the risk. Use the JAK inhibitor safety standard response instead."
        ),
    ),
    ItemSpec(
        "art_detail",
        "infographic",
        "Arthrava detail aid: one tablet, once a day",
        "Promotional detail aid for rheumatology practices.",
        "IMM",
        ("Arthrava",),
        ("art_brand",),
        IN_REVIEW,
        15,
        indications=(("Arthrava", "rheumatoid"),),
        audiences=COMMERCIAL,
        author="pm1",
    ),
)

# The wording the MLR reviewers give each discipline's e-signature.
SIGNATURE_MEANINGS = {
    "medical": "Medically accurate, fair and balanced, and consistent with the cited evidence.",
    "legal": "No legal objection to use with the stated audience.",
    "regulatory": "Consistent with the approved labelling and the stated use.",
}

# E-mail templates for share links: (name, subject, body, approved).
EMAIL_TEMPLATES: tuple[tuple[str, str, str, bool], ...] = (
    (
        "Follow-up after a meeting",
        "The material we discussed, from {msl_name}",
        "Dear {kol_name},\n\nThank you for your time. As promised, here is the material we "
        "discussed:\n\n{link}\n\nThe link is personal to you and works until {expires_on}.\n\n"
        "For any medical question, please contact {contact}.\n\nKind regards,\n{msl_name}",
        True,
    ),
    (
        "Answer to your medical information request",
        "Your medical information request",
        "Dear {kol_name},\n\nIn answer to your question, please find our response here:\n\n"
        "{link}\n\nAvailable until {expires_on}. Contact {contact} with any further question."
        "\n\n{msl_name}",
        False,
    ),
)

# A presentation's title and the MSL's private note, by therapeutic area; {kol} is how the
# MSL addresses the KOL ("Dr Chen") and {brand} the product the presentation leads with.
PRESENTATION_TITLES: dict[str, tuple[str, ...]] = {
    "ONC": (
        "{brand} update for {kol}",
        "{brand}: latest data for {kol}",
        "Tumour board follow-up for {kol}: {brand}",
    ),
    "CARD": (
        "{brand} for {kol}'s clinic",
        "{brand}: evidence review with {kol}",
        "Lipid and cardiomyopathy update for {kol}",
    ),
    "IMM": (
        "{brand} for {kol}",
        "{brand}: data review with {kol}",
        "Rheumatology and dermatology update for {kol}",
    ),
}
PRIVATE_NOTES: tuple[str, ...] = (
    "{kol} asked last time how durable the responses are; lead with the durability data.",
    "Keep it short: {kol} has 20 minutes between clinics.",
    "{kol} is sceptical of cross-trial comparisons; stay with the randomised data.",
    "{kol}'s fellows will join; leave time for their questions on patient selection.",
    "{kol} wants something to take to the formulary committee.",
    "Safety first: {kol} had a difficult case last month.",
    "",
)
