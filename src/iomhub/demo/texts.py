"""The words of the demo cohort's records: needs and actions by pathway, agency contacts' job
titles, intelligence notes, deregistration reasons and exit plans (all invented)."""

from __future__ import annotations

from iomhub.referrals.models import Pathway

OTHER_AREAS = ["Dorset IOM", "Thames Valley IOM", "Avon and Somerset IOM", "Hampshire IOM"]

NEEDS: dict[str, list[tuple[str, str]]] = {
    Pathway.ACCOMMODATION: [
        ("Sofa-surfing with friends; no tenancy since release", "Housing register application and support to bid for a tenancy"),
        ("Rent arrears of about £900; notice served on the flat", "Agree a repayment plan with the landlord; referral to tenancy support"),
    ],
    Pathway.ETE: [
        ("Unemployed for over two years; no qualifications", "Referral to the Jobcentre work coach and a CSCS card course"),
        ("Wants work in construction; needs basic maths and English", "Enrol on functional skills at Wessex College"),
    ],
    Pathway.HEALTH: [
        ("Not registered with a GP; untreated leg ulcer", "Register with a GP and attend the wound clinic"),
        ("Low mood and poor sleep; no treatment", "GP appointment; referral to talking therapies"),
    ],
    Pathway.DRUGS_ALCOHOL: [
        (
            "Daily crack cocaine and heroin use funded by shoplifting",
            "Structured treatment with the drug service; opiate substitute prescription",
        ),
        ("Drinking heavily most days; offending when drunk", "Alcohol treatment requirement and weekly key-work sessions"),
    ],
    Pathway.FINANCE: [
        ("No bank account; Universal Credit claim closed", "Open a basic bank account and reclaim Universal Credit"),
        ("Debts to a loan shark linked to drug use", "Referral to debt advice; safety planning with the police"),
    ],
    Pathway.CHILDREN_FAMILIES: [
        ("Two children in the care of their grandmother; contact supervised", "Support to attend contact sessions and parenting course"),
        ("Relationship with partner strained; risk of losing the family home", "Family support worker visit"),
    ],
    Pathway.ATTITUDES: [
        ("Minimises offending; peers are active offenders", "Thinking Skills Programme; mentor from Second Chance Trust"),
        ("Impulsive; poor consequential thinking", "One-to-one sessions on consequential thinking"),
    ],
    Pathway.DOMESTIC_ABUSE: [
        ("Police called to two incidents with a former partner", "Building Better Relationships programme; MARAC liaison"),
    ],
    Pathway.OTHER: [
        ("Associates with an organised acquisitive crime group", "Disruption by the police IOM team; support to change peer group"),
    ],
}
ACTIONS: dict[str, list[str]] = {
    Pathway.ACCOMMODATION: [
        "Complete the housing register application",
        "Attend tenancy sustainment appointment",
        "View supported housing place",
    ],
    Pathway.ETE: ["Attend the work coach appointment", "Start the functional skills course", "Apply for the CSCS card"],
    Pathway.HEALTH: ["Register with a GP", "Attend the talking therapies assessment"],
    Pathway.DRUGS_ALCOHOL: ["Attend the treatment assessment", "Start the substitute prescription", "Attend weekly key-work sessions"],
    Pathway.FINANCE: ["Open a basic bank account", "Make the Universal Credit claim", "Attend debt advice"],
    Pathway.CHILDREN_FAMILIES: ["Attend the supervised contact session", "Start the parenting course"],
    Pathway.ATTITUDES: ["Start the Thinking Skills Programme", "Meet the Second Chance Trust mentor"],
    Pathway.DOMESTIC_ABUSE: ["Start the Building Better Relationships programme", "Share the safety plan with MARAC"],
    Pathway.OTHER: ["Agree a disruption plan with the neighbourhood team"],
}
PATHWAY_AGENCY: dict[str, str] = {
    Pathway.ACCOMMODATION: "Wessex City Council Housing",
    Pathway.ETE: "DWP Wessex Jobcentres",
    Pathway.FINANCE: "DWP Wessex Jobcentres",
    Pathway.DRUGS_ALCOHOL: "Wessex Drug and Alcohol Service",
    Pathway.HEALTH: "Wessex Community Health",
}
CONTACT_TITLES = {
    "Wessex Police": "Police IOM officer",
    "Probation Service Wessex": "Probation officer",
    "Wessex Drug and Alcohol Service": "Recovery worker",
    "Wessex City Council Housing": "Housing options officer",
    "DWP Wessex Jobcentres": "Work coach",
    "Wessex Community Health": "Practice nurse",
    "Wessex Mental Health Trust": "Community psychiatric nurse",
    "Wessex Youth Offending Team": "YOT case manager",
    "HMP Wessex": "Offender management unit",
    "Second Chance Trust": "Mentor",
}
INTELLIGENCE = [
    "Seen in the town centre with known shoplifters",
    "Information that they are dealing from the address",
    "Linked by a witness to a burglary in the area; enquiries ongoing",
    "Stopped in a car with two active offenders; nothing found",
    "Reported to be back in contact with the county lines group",
    "Sighted near the retail park; store security aware",
]
DEREGISTRATION_REASONS = [
    (
        "No intelligence for three months, drug tests negative and attendance good",
        ["no-intelligence-3-months", "drug-tests-negative", "good-attendance"],
    ),
    ("Assessed risk has fallen: stable tenancy, in work and no arrests for six months", ["risk-fallen"]),
    ("Risk now managed through MAPPA level 2 arrangements", ["managed-elsewhere"]),
    ("Good attendance throughout; no further offending since registration", ["good-attendance"]),
]
EXIT_PLANS = [
    ("Monthly contact with the offender manager to the end of the licence; drug service key work continues", "Probation Service Wessex"),
    ("Mentoring continues weekly; the neighbourhood team keeps an interest marker for six months", "Second Chance Trust"),
    (
        "Treatment continues with the drug service; housing support to the end of the tenancy's first year",
        "Wessex Drug and Alcohol Service",
    ),
]
