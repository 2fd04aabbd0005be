"""The invented company behind the demo: reference data, demo users, names, institutions, the
medical questions KOLs ask, and the words of meetings, inquiries and follow-ups.

Plain data with no Django imports, kept apart from ``seed.py`` so the logic there stays short.
Every brand, generic name and institution here is invented; cities and countries are real so
that territories read naturally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class IndicationSpec:
    name: str
    approved_on: date | None  # None: studied or asked about, not approved (off-label)


@dataclass(frozen=True)
class ProductSpec:
    name: str
    generic_name: str
    area_code: str
    indications: tuple[IndicationSpec, ...]


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    city: str
    country: str  # ISO 3166 alpha-2
    domain: str  # for invented e-mail addresses; ``.example`` never resolves
    focus: str | None = None  # a specialist centre takes KOLs of this area only


@dataclass(frozen=True)
class TerritorySpec:
    code: str
    name: str
    region: str
    institutions: tuple[InstitutionSpec, ...]


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    role: str
    first_name: str
    last_name: str
    territory: str | None = None
    manager: str | None = None
    superuser: bool = False


THERAPEUTIC_AREAS: tuple[tuple[str, str], ...] = (
    ("ONC", "Oncology"),
    ("CARD", "Cardiology"),
    ("IMM", "Immunology"),
)

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "Tavriqo",
        "ravolentinib",
        "ONC",
        (
            IndicationSpec(
                "EGFR exon 20 insertion non-small cell lung cancer, after platinum chemotherapy",
                date(2023, 5, 12),
            ),
            IndicationSpec(
                "EGFR exon 20 insertion non-small cell lung cancer, first line with chemotherapy",
                None,
            ),
        ),
    ),
    ProductSpec(
        "Lumezra",
        "pelvatamab",
        "ONC",
        (
            IndicationSpec(
                "Relapsed or refractory multiple myeloma after three or more prior lines",
                date(2024, 2, 8),
            ),
            IndicationSpec("Newly diagnosed multiple myeloma, transplant-ineligible", None),
        ),
    ),
    ProductSpec(
        "Ostavix",
        "darucilimab",
        "ONC",
        (
            IndicationSpec("Unresectable or metastatic melanoma", date(2022, 9, 30)),
            IndicationSpec("Adjuvant treatment of resected melanoma, stage III", date(2025, 3, 14)),
            IndicationSpec("Adjuvant treatment of hepatocellular carcinoma", None),
        ),
    ),
    ProductSpec(
        "Cordavel",
        "obrisiran",
        "CARD",
        (
            IndicationSpec(
                "Primary hypercholesterolaemia in adults on maximally tolerated statin therapy",
                date(2023, 11, 2),
            ),
            IndicationSpec("Heterozygous familial hypercholesterolaemia in adolescents", None),
        ),
    ),
    ProductSpec(
        "Myovesta",
        "zelocamten",
        "CARD",
        (
            IndicationSpec(
                "Symptomatic obstructive hypertrophic cardiomyopathy (NYHA class II-III)",
                date(2024, 6, 21),
            ),
            IndicationSpec("Non-obstructive hypertrophic cardiomyopathy", None),
        ),
    ),
    ProductSpec(
        "Thrombexa",
        "lorandexian",
        "CARD",
        (
            IndicationSpec("Stroke prevention in non-valvular atrial fibrillation", None),
            IndicationSpec("Secondary prevention after non-cardioembolic ischaemic stroke", None),
        ),
    ),
    ProductSpec(
        "Solvenra",
        "brelukimab",
        "IMM",
        (
            IndicationSpec("Moderate-to-severe plaque psoriasis in adults", date(2022, 4, 19)),
            IndicationSpec("Active psoriatic arthritis in adults", date(2023, 10, 5)),
            IndicationSpec("Moderately to severely active Crohn's disease", None),
        ),
    ),
    ProductSpec(
        "Arthrava",
        "filotacitinib",
        "IMM",
        (
            IndicationSpec(
                "Moderately to severely active rheumatoid arthritis after a csDMARD",
                date(2021, 8, 27),
            ),
            IndicationSpec("Moderately to severely active ulcerative colitis", None),
            IndicationSpec("Atopic dermatitis in adolescents", None),
        ),
    ),
)


def _inst(
    name: str, city: str, country: str, domain: str, focus: str | None = None
) -> InstitutionSpec:
    return InstitutionSpec(name, city, country, domain, focus)


TERRITORIES: tuple[TerritorySpec, ...] = (
    TerritorySpec(
        "US-NE",
        "US Northeast",
        "North America",
        (
            _inst("Charles River University Medical Center", "Boston", "US", "crumc.example"),
            _inst("Lower Manhattan Cancer Center", "New York", "US", "lmcc.example", "ONC"),
            _inst("Schuylkill University Hospital", "Philadelphia", "US", "schuylkill.example"),
            _inst("Narragansett Bay Heart Institute", "Providence", "US", "nbhi.example", "CARD"),
            _inst("Green Mountain Medical Center", "Burlington", "US", "gmmc.example"),
            _inst("Hudson Valley Arthritis Center", "Albany", "US", "hvac-med.example", "IMM"),
        ),
    ),
    TerritorySpec(
        "US-SE",
        "US Southeast",
        "North America",
        (
            _inst("Peachtree University Hospital", "Atlanta", "US", "peachtree-uh.example"),
            _inst("Biscayne Bay Cancer Institute", "Miami", "US", "bbci.example", "ONC"),
            _inst("Cumberland Heart Center", "Nashville", "US", "cumberland.example", "CARD"),
            _inst("Piedmont Research Hospital", "Durham", "US", "piedmont-rh.example"),
            _inst("Gulf Coast University Medical Center", "Tampa", "US", "gcumc.example"),
        ),
    ),
    TerritorySpec(
        "US-MW",
        "US Midwest",
        "North America",
        (
            _inst("Lakeshore University Hospital", "Chicago", "US", "lakeshore-uh.example"),
            _inst("Great Lakes Cancer Center", "Detroit", "US", "glcc.example", "ONC"),
            _inst("Buckeye Heart Institute", "Columbus", "US", "buckeyeheart.example", "CARD"),
            _inst("Mississippi Valley Medical Center", "St. Louis", "US", "mvmc.example"),
            _inst("Twin Cities Immunology Institute", "Minneapolis", "US", "tcii.example", "IMM"),
        ),
    ),
    TerritorySpec(
        "US-W",
        "US West",
        "North America",
        (
            _inst("Golden Gate University Medical Center", "San Francisco", "US", "ggumc.example"),
            _inst("Pacific Coast Cancer Center", "Los Angeles", "US", "pccc.example", "ONC"),
            _inst("Puget Sound University Hospital", "Seattle", "US", "psuh.example"),
            _inst("Front Range Heart Institute", "Denver", "US", "frontrange.example", "CARD"),
            _inst("Sonoran Medical Center", "Phoenix", "US", "sonoran-mc.example"),
            _inst("La Jolla Research Hospital", "San Diego", "US", "ljrh.example"),
        ),
    ),
    TerritorySpec(
        "EU-DACH",
        "Germany, Austria and Switzerland",
        "Europe",
        (
            _inst("Universitätsklinikum Rhein-Main", "Frankfurt", "DE", "ukrm.example"),
            _inst("Klinikum Isartal", "Munich", "DE", "isartal.example"),
            _inst("Herzzentrum an der Elbe", "Hamburg", "DE", "hz-elbe.example", "CARD"),
            _inst("Spreeklinikum Berlin", "Berlin", "DE", "spreeklinikum.example"),
            _inst("Universitätsspital Limmat", "Zurich", "CH", "usl.example"),
            _inst("Donauklinikum Wien", "Vienna", "AT", "donauklinikum.example"),
        ),
    ),
    TerritorySpec(
        "EU-UKI",
        "United Kingdom and Ireland",
        "Europe",
        (
            _inst("St Aldhelm's University Hospital", "London", "GB", "staldhelms.example"),
            _inst("Pennine University Hospital", "Manchester", "GB", "pennine-uh.example"),
            _inst("Royal Mersey Infirmary", "Liverpool", "GB", "rmi.example"),
            _inst("Forth Valley Cancer Centre", "Edinburgh", "GB", "fvcc.example", "ONC"),
            _inst("Cherwell Research Hospital", "Oxford", "GB", "cherwell.example"),
            _inst("Liffey University Hospital", "Dublin", "IE", "liffey-uh.example"),
        ),
    ),
    TerritorySpec(
        "EU-FRB",
        "France and Benelux",
        "Europe",
        (
            _inst("Hôpital universitaire Rive Gauche", "Paris", "FR", "rivegauche.example"),
            _inst("Institut de cancérologie Rhône-Alpes", "Lyon", "FR", "icra.example", "ONC"),
            _inst("CHU Garonne", "Toulouse", "FR", "chu-garonne.example"),
            _inst("Academisch Ziekenhuis Schelde", "Antwerp", "BE", "azschelde.example"),
            _inst("Amstel Universitair Medisch Centrum", "Amsterdam", "NL", "amstelumc.example"),
        ),
    ),
    TerritorySpec(
        "EU-SOUTH",
        "Spain, Italy and Portugal",
        "Europe",
        (
            _inst("Hospital Universitario del Manzanares", "Madrid", "ES", "hum.example"),
            _inst("Hospital Clínic del Llobregat", "Barcelona", "ES", "hcllobregat.example"),
            _inst("Ospedale Universitario dei Navigli", "Milan", "IT", "navigli.example"),
            _inst("Policlinico Tevere", "Rome", "IT", "tevere.example"),
            _inst("Istituto Oncologico Partenopeo", "Naples", "IT", "iop.example", "ONC"),
            _inst("Hospital de Santa Luzia do Tejo", "Lisbon", "PT", "hslt.example"),
        ),
    ),
)

# Dev-only logins; each password is ``<username>-demo-2026`` (see ``seed.demo_password``).
DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("admin", "admin", "Alex", "Morgan", superuser=True),
    DemoUserSpec("lead1", "medical_lead", "Priya", "Raman"),
    DemoUserSpec("msl1", "msl", "Hannah", "Brooks", "US-NE", "lead1"),
    DemoUserSpec("msl2", "msl", "Marcus", "Ellison", "US-SE", "lead1"),
    DemoUserSpec("msl3", "msl", "Sofia", "Delgado", "US-MW", "lead1"),
    DemoUserSpec("msl4", "msl", "Kenji", "Watanabe", "US-W", "lead1"),
    DemoUserSpec("msl_b", "msl", "Lena", "Hoffmann", "EU-DACH"),
    # The MLR team: medical, legal and regulatory sign-offs each need their own reviewer.
    DemoUserSpec("reviewer1", "reviewer", "Daniel", "Osei"),
    DemoUserSpec("reviewer2", "reviewer", "Marta", "Kowalczyk"),
    DemoUserSpec("reviewer3", "reviewer", "Samuel", "Achterberg"),
    DemoUserSpec("pv1", "pv_officer", "Grace", "Lindqvist"),
    DemoUserSpec("pm1", "product_manager", "Olivia", "Carter"),
    DemoUserSpec("rep1", "sales_rep", "Ryan", "Patel", "US-NE"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah",
    "Abdul",
    "Adaeze",
    "Adrian",
    "Aisha",
    "Akira",
    "Alejandro",
    "Alessandra",
    "Amara",
    "Amelia",
    "Amir",
    "Ana",
    "Andrea",
    "Anil",
    "Anna",
    "Arjun",
    "Astrid",
    "Ayesha",
    "Benjamin",
    "Bich",
    "Camila",
    "Carlos",
    "Catherine",
    "Chen",
    "Chidi",
    "Chloe",
    "Daniel",
    "David",
    "Deepa",
    "Diego",
    "Dmitri",
    "Elena",
    "Elif",
    "Elizabeth",
    "Emeka",
    "Emily",
    "Emre",
    "Erik",
    "Esther",
    "Fatima",
    "Felipe",
    "Fiona",
    "Gabriel",
    "Grace",
    "Hana",
    "Hassan",
    "Helen",
    "Hiroshi",
    "Ibrahim",
    "Ines",
    "Ingrid",
    "Isaac",
    "Isabel",
    "Ivan",
    "Jae-won",
    "James",
    "Javier",
    "Jia",
    "Joanna",
    "John",
    "Jonathan",
    "Joseph",
    "Julia",
    "Kavita",
    "Kofi",
    "Kwame",
    "Laila",
    "Lakshmi",
    "Laura",
    "Leila",
    "Li",
    "Lucas",
    "Maria",
    "Mariam",
    "Mark",
    "Mateo",
    "Mei",
    "Michael",
    "Min-jun",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nia",
    "Nikhil",
    "Noah",
    "Nomvula",
    "Olumide",
    "Omar",
    "Oscar",
    "Paolo",
    "Patricia",
    "Pedro",
    "Rachel",
    "Rafael",
    "Rahul",
    "Rebecca",
    "Ricardo",
    "Robert",
    "Rohan",
    "Ruth",
    "Samuel",
    "Sanjay",
    "Sarah",
    "Seo-yeon",
    "Shira",
    "Simone",
    "Siddharth",
    "Sophie",
    "Sunil",
    "Tamar",
    "Thandiwe",
    "Thomas",
    "Tomas",
    "Uchenna",
    "Valentina",
    "Victor",
    "Wei",
    "William",
    "Xin",
    "Yasmin",
    "Yusuf",
    "Zainab",
    "Zhen",
)

LAST_NAMES: tuple[str, ...] = (
    "Abiodun",
    "Acheampong",
    "Adeyemi",
    "Agarwal",
    "Ahmed",
    "Alvarez",
    "Andersen",
    "Anderson",
    "Asante",
    "Bailey",
    "Banerjee",
    "Baptiste",
    "Bennett",
    "Bhatt",
    "Brennan",
    "Brown",
    "Campbell",
    "Castillo",
    "Chandra",
    "Chang",
    "Chaudhry",
    "Chen",
    "Cho",
    "Clarke",
    "Cohen",
    "Coleman",
    "Cruz",
    "Das",
    "Davies",
    "Diallo",
    "Dubois",
    "Edwards",
    "Eze",
    "Fernandez",
    "Fischer",
    "Flores",
    "Foster",
    "Friedman",
    "Fujita",
    "Garcia",
    "Ghosh",
    "Goldberg",
    "Gonzalez",
    "Gupta",
    "Haddad",
    "Hall",
    "Hashemi",
    "Hayes",
    "Hernandez",
    "Hoang",
    "Huang",
    "Hughes",
    "Ibrahim",
    "Ito",
    "Iyer",
    "Jackson",
    "Jensen",
    "Johansson",
    "Johnson",
    "Kapoor",
    "Katz",
    "Khan",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Le",
    "Lee",
    "Levy",
    "Li",
    "Lim",
    "Lopez",
    "Mahmoud",
    "Martin",
    "Martinez",
    "Mbeki",
    "Mehta",
    "Mendoza",
    "Mensah",
    "Miller",
    "Mitchell",
    "Moreno",
    "Murphy",
    "Mwangi",
    "Nakamura",
    "Nair",
    "Nguyen",
    "Njoroge",
    "Novak",
    "Nowak",
    "Nwosu",
    "O'Brien",
    "Okafor",
    "Okonkwo",
    "Olsen",
    "Ortiz",
    "Osei",
    "Owusu",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Phillips",
    "Pillai",
    "Quinn",
    "Rahman",
    "Ramirez",
    "Rao",
    "Reddy",
    "Reyes",
    "Richardson",
    "Rivera",
    "Robinson",
    "Rodriguez",
    "Rosen",
    "Ruiz",
    "Saito",
    "Salazar",
    "Sanchez",
    "Santos",
    "Sato",
    "Schwartz",
    "Sharma",
    "Shah",
    "Silva",
    "Singh",
    "Sokolov",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Thompson",
    "Tran",
    "Turner",
    "Vargas",
    "Wagner",
    "Walker",
    "Wang",
    "Washington",
    "Williams",
    "Wilson",
    "Wong",
    "Wu",
    "Yamamoto",
    "Yang",
    "Yilmaz",
    "Young",
    "Zhang",
    "Zhou",
)

# Names more common in a European country, mixed in for KOLs there.
LOCAL_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "DE": (
        ("Jonas", "Katharina", "Lukas", "Anke", "Matthias", "Birgit", "Florian", "Sabine"),
        ("Müller", "Schmidt", "Schneider", "Becker", "Hoffmann", "Richter", "Wolf", "Krüger"),
    ),
    "AT": (
        ("Maximilian", "Theresa", "Florian", "Magdalena"),
        ("Gruber", "Huber", "Pichler", "Steiner"),
    ),
    "CH": (
        ("Reto", "Corinne", "Urs", "Nadine"),
        ("Meier", "Keller", "Brunner", "Baumann"),
    ),
    "GB": (
        ("Oliver", "Charlotte", "Harry", "Eleanor", "George", "Imogen", "Alistair", "Fiona"),
        ("Smith", "Jones", "Evans", "Roberts", "Wright", "Walsh", "MacLeod", "Hughes"),
    ),
    "IE": (
        ("Siobhan", "Cian", "Aoife", "Ciarán"),
        ("Byrne", "Kelly", "O'Sullivan", "Doyle"),
    ),
    "FR": (
        ("Camille", "Julien", "Élodie", "Mathieu", "Aurélie", "Nicolas", "Hélène", "Thibault"),
        ("Lefèvre", "Moreau", "Girard", "Laurent", "Rousseau", "Fontaine", "Mercier", "Blanc"),
    ),
    "BE": (
        ("Wouter", "Lien", "Pieter", "Sofie"),
        ("Peeters", "Janssens", "Maes", "Claes"),
    ),
    "NL": (
        ("Daan", "Femke", "Joost", "Marieke"),
        ("de Jong", "van Dijk", "Bakker", "Visser"),
    ),
    "ES": (
        ("Lucía", "Jorge", "Pilar", "Álvaro", "Marta", "Sergio"),
        ("García", "Martín", "Jiménez", "Navarro", "Romero", "Torres"),
    ),
    "IT": (
        ("Giulia", "Matteo", "Francesca", "Lorenzo", "Chiara", "Alessandro"),
        ("Rossi", "Bianchi", "Ferrari", "Esposito", "Colombo", "Ricci"),
    ),
    "PT": (
        ("João", "Inês", "Tiago", "Beatriz"),
        ("Pereira", "Ferreira", "Costa", "Oliveira"),
    ),
}

# (specialty, department) per therapeutic area.
SPECIALTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "ONC": (
        ("Medical oncology", "Department of Medical Oncology"),
        ("Thoracic oncology", "Thoracic Oncology Program"),
        ("Hematology-oncology", "Division of Hematology and Oncology"),
        ("Hematology", "Myeloma and Plasma Cell Disorders Unit"),
        ("Dermato-oncology", "Melanoma and Skin Cancer Unit"),
        ("Radiation oncology", "Department of Radiation Oncology"),
        ("Hepatology", "Liver Cancer Clinic"),
    ),
    "CARD": (
        ("Cardiology", "Department of Cardiology"),
        ("Preventive cardiology", "Lipid and Prevention Clinic"),
        ("Heart failure cardiology", "Advanced Heart Failure Program"),
        ("Cardiomyopathy", "Hypertrophic Cardiomyopathy Center"),
        ("Electrophysiology", "Cardiac Electrophysiology Service"),
        ("Vascular neurology", "Stroke Unit"),
        ("Lipidology", "Familial Hypercholesterolaemia Clinic"),
    ),
    "IMM": (
        ("Rheumatology", "Department of Rheumatology"),
        ("Dermatology", "Psoriasis and Inflammatory Skin Disease Clinic"),
        ("Gastroenterology", "Inflammatory Bowel Disease Center"),
        ("Clinical immunology", "Department of Clinical Immunology"),
        ("Paediatric dermatology", "Paediatric Eczema Clinic"),
    ),
}

PREFERRED_TIMES: tuple[str, ...] = (
    "Tuesday mornings",
    "Thursday afternoons",
    "After clinic, 17:00-18:00",
    "Early morning before rounds",
    "Lunchtime, 12:00-13:00",
    "Friday afternoons",
    "Monday or Wednesday, late afternoon",
    "",
)

# What an MSL notes when a KOL moves on, by the stage reached.
STAGE_NOTES: dict[str, tuple[str, ...]] = {
    "aware": (
        "Met at a regional congress symposium.",
        "First introductory meeting; interested in the mechanism of action.",
    ),
    "exploring": (
        "Asked for the pivotal trial publication.",
        "Attended a medical education webinar.",
    ),
    "evaluating": (
        "Reviewing subgroup data against their patient population.",
        "Discussed safety monitoring in detail.",
    ),
    "adopting": (
        "Reports first patients treated in line with the label.",
        "Added to the institution's treatment protocol.",
    ),
    "advocating": (
        "Presented real-world experience at a grand round.",
        "Invited to speak at an advisory board.",
    ),
}

# Scientific questions by therapeutic area: (question, answer summary). ``{generic}`` and
# ``{brand}`` name one of the area's products; ``{off_label}`` one of its unapproved uses.
QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "ONC": (
        (
            "What is the intracranial response rate of {generic} in patients with brain "
            "metastases?",
            "Shared the CNS subgroup analysis of the pivotal trial and the published "
            "intracranial response data.",
        ),
        (
            "Is there guidance on dose reduction of {generic} after grade 3 hepatotoxicity?",
            "Walked through the dose-modification table of the prescribing information and the "
            "hepatic safety pooled analysis.",
        ),
        (
            "How should interstitial lung disease be monitored during {generic} treatment?",
            "Provided the ILD incidence data and the monitoring recommendations from the label.",
        ),
        (
            "Are there data on {generic} in patients with ECOG performance status 2?",
            "Explained that ECOG 2 patients were excluded from the pivotal trial; shared the "
            "small real-world cohort published since.",
        ),
        (
            "Are overall-survival data beyond 36 months available for {brand}?",
            "Shared the latest data cut presented at the annual congress, with its limitations.",
        ),
        (
            "Can {generic} be given with strong CYP3A4 inhibitors?",
            "Summarised the drug-interaction study and the label advice to avoid strong "
            "inhibitors or adjust the dose.",
        ),
        (
            "Is there any evidence for {generic} in {off_label}?",
            "Responded reactively: use not approved; described the ongoing phase 3 trial design "
            "and where its results will be posted.",
        ),
    ),
    "CARD": (
        (
            "What LDL-C reduction does {generic} give on top of ezetimibe?",
            "Shared the background-therapy subgroup analysis of the pivotal lipid trial.",
        ),
        (
            "Is {generic} safe in patients with eGFR below 30 mL/min/1.73 m2?",
            "Provided the renal-impairment pharmacokinetic study and the label wording for "
            "severe renal impairment.",
        ),
        (
            "How soon after an acute coronary syndrome was {generic} started in the trials?",
            "Explained the enrolment windows of the outcomes trial and the related subgroup "
            "results.",
        ),
        (
            "What echocardiographic monitoring is needed when titrating {generic}?",
            "Went through the LVEF monitoring schedule and the dose-interruption rules in the "
            "prescribing information.",
        ),
        (
            "Are there data on {brand} in patients older than 80?",
            "Shared the age-subgroup results and the pharmacokinetic data in elderly patients.",
        ),
        (
            "How does the bleeding risk of {generic} compare with current anticoagulants?",
            "Summarised the phase 2 bleeding end points; no head-to-head outcomes data yet.",
        ),
        (
            "Has {generic} been studied in {off_label}?",
            "Responded reactively: use not approved; shared the registered trial and its "
            "expected completion date.",
        ),
    ),
    "IMM": (
        (
            "Is there evidence for {generic} after failure of an anti-TNF agent?",
            "Shared the TNF-inadequate-responder subgroup of the pivotal trials.",
        ),
        (
            "What is the herpes zoster risk with {generic}, and should patients be vaccinated "
            "first?",
            "Provided the pooled safety incidence rates and the vaccination guidance in the label.",
        ),
        (
            "How long does the response to {brand} last after treatment is interrupted?",
            "Shared the randomised-withdrawal data and the time to loss of response.",
        ),
        (
            "What is known about {generic} in pregnancy and breastfeeding?",
            "Explained the limited human data, the animal findings and the pregnancy registry.",
        ),
        (
            "Were patients with latent tuberculosis included in the {generic} trials?",
            "Described the screening criteria and the prophylaxis approach used in the trials.",
        ),
        (
            "How immunogenic is {generic}: how often do anti-drug antibodies develop?",
            "Provided the immunogenicity incidence and its effect on exposure and efficacy.",
        ),
        (
            "Are there any data for {generic} in {off_label}?",
            "Responded reactively: use not approved; shared the phase 2 results as published.",
        ),
    ),
}

# --- Engagements -----------------------------------------------------------------------------
# Placeholders: {brand} and {generic} name a product of the meeting's area, {area} the area in a
# sentence, {topic} one of the area's discussion topics below, {name} the KOL as addressed
# ("Dr Chen", "Prof. Rossi"), {institution} their hospital.

# What medical discusses in each area, as a phrase that fits "the ... data".
TOPICS: dict[str, tuple[str, ...]] = {
    "ONC": (
        "CNS subgroup",
        "hepatic safety",
        "interstitial lung disease monitoring",
        "overall survival update",
        "dose modification",
        "ECOG 2 real-world",
        "drug-interaction",
    ),
    "CARD": (
        "renal impairment",
        "background-therapy LDL-C subgroup",
        "echocardiographic monitoring",
        "elderly subgroup",
        "bleeding end point",
        "post-ACS initiation",
    ),
    "IMM": (
        "anti-TNF-experienced subgroup",
        "herpes zoster and vaccination",
        "pregnancy registry",
        "immunogenicity",
        "latent tuberculosis screening",
        "randomised-withdrawal",
    ),
}

AREA_IN_SENTENCE: dict[str, str] = {
    "ONC": "oncology",
    "CARD": "cardiology",
    "IMM": "immunology",
}

# What the MSL means to achieve in a meeting (planned or completed).
OBJECTIVES: tuple[str, ...] = (
    "Present the {topic} data of {brand} and hear how they fit {name}'s practice.",
    "Discuss the safety profile of {generic}, focusing on the {topic} data and the monitoring "
    "the label recommends.",
    "Share the latest congress data for {brand} and gather feedback on the {topic} results.",
    "Understand the patient pathway at {institution} and where {generic} could fit in {area}.",
    "Follow up on {name}'s question about the {topic} data; bring the published analysis.",
    "Explore {name}'s interest in the {generic} investigator-initiated research programme.",
    "Gather insights on unmet needs in {area} and on the current treatment algorithm.",
    "Prepare the regional advisory board: agree the {topic} topics {name} would present.",
    "Review {name}'s real-world experience with {brand} since the last meeting.",
    "Introduce the medical team for {brand} and agree how {name} prefers to be kept informed.",
)

# Reactive meetings answer an unsolicited request; their objectives say so.
REACTIVE_OBJECTIVES: tuple[str, ...] = (
    "Respond to {name}'s unsolicited request about the {topic} data of {generic}.",
    "Answer {name}'s unsolicited question on {brand} with the approved standard response.",
)

NOTES: tuple[str, ...] = (
    "{name} reviewed the {topic} data of {brand} with interest and asked detailed questions on "
    "the patient population. Discussion stayed within the approved label. No adverse event or "
    "product complaint mentioned.",
    "Walked through the {topic} analysis for {generic}. {name} described current practice at "
    "{institution}: most patients reach the clinic late, after community treatment. No adverse "
    "event mentioned.",
    "Presented the updated efficacy and safety data of {brand}. {name} considers the {topic} "
    "results relevant for the clinic's sicker patients but wants longer follow-up. No safety "
    "information reported.",
    "Short meeting between clinics. {name} had read the {topic} publication already and "
    "focused on practical questions of monitoring and referral. No adverse event mentioned.",
    "Discussed how {institution} selects patients for {generic} today and the barriers the team "
    "sees (access, monitoring capacity). {name} shared views on the {topic} data. No adverse "
    "event or product complaint mentioned.",
    "{name} asked about data outside the label; explained that medical answers such questions "
    "only on an unsolicited request and logged it. Rest of the meeting on the {topic} data.",
    "Joint discussion with the department's fellows on the {topic} data of {brand}; {name} led "
    "the case discussion. No adverse event mentioned.",
)

OUTCOMES: tuple[str, ...] = (
    "Good engagement; {name} will review the {topic} analysis with the team.",
    "{name} sees a place for {brand} after prior therapy and wants longer follow-up data.",
    "Remains cautious about the {topic} data; needs more evidence before changing practice.",
    "Interested in joining the regional advisory board on {area}.",
    "Asked for the full publication; agreed to meet again after the next congress.",
    "Supportive of {generic} in the approved population; concerns about monitoring workload.",
    "Shared a clinical-practice insight on referral delays at {institution}.",
)

NEXT_STEPS: tuple[str, ...] = (
    "Send the published {topic} analysis (approved reprint).",
    "Schedule a follow-up video call in six to eight weeks.",
    "Invite {name} to the {area} medical education webinar.",
    "Route the off-label request to medical information for a standard response.",
    "Propose {name} as a speaker for the regional advisory board.",
    "Bring the {topic} FAQ answer to the next meeting.",
)

CANCEL_REASONS: tuple[str, ...] = (
    "{name} was called to an emergency; to be rescheduled.",
    "Clinic overran; {name} asked to move the meeting.",
    "{name} on annual leave.",
    "Replaced by a discussion at the congress.",
    "Hospital visitor restrictions during the respiratory season.",
)

# A follow-up's title; the interaction or inquiry it comes from gives the context.
FOLLOW_UP_TITLES: tuple[str, ...] = (
    "Send the {topic} data to {name}",
    "Book the next meeting with {name}",
    "Share the approved {brand} FAQ on the {topic} data",
    "Check that {name} received the reprint",
    "Propose {name} for the advisory board",
    "Confirm {name}'s webinar registration",
)

# Unsolicited questions medical information receives besides the scientific ones (QUESTIONS):
# (question, response). Same placeholders as QUESTIONS.
INQUIRY_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Can {generic} tablets be crushed or dispersed for a patient who cannot swallow them?",
        "Sent the standard response: no data on crushed or dispersed tablets; the label's "
        "administration section applies.",
    ),
    (
        "How long is {brand} stable outside the refrigerator?",
        "Sent the in-use stability data from the summary of product characteristics.",
    ),
    (
        "What should a patient do after a missed dose of {generic}?",
        "Sent the standard response quoting the missed-dose advice of the label.",
    ),
    (
        "Is there a managed access programme for {brand} for a patient outside the approved "
        "indication?",
        "Explained the company's managed access policy and where to apply; no promotion of "
        "unapproved use.",
    ),
    (
        "Can {generic} be taken with St John's wort or grapefruit juice?",
        "Sent the drug-interaction section and the interaction study summary.",
    ),
)
