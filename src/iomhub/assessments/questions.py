"""The wording of the instruments as asked (UK AUDIT in units; SafeLives DASH, 24 questions).

Sources: seed 000 appendices 2-3 (the UK AUDIT scoring matrix in units) and reference
instruments.md §1.1 (every AUDIT question and its answers) and §2.2 (the 24 DASH questions, with
"(…)" for the name of the abuser written here as "they").
"""

from __future__ import annotations

OFTEN = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")
INJURY = ((0, "No"), (2, "Yes, but not in the last year"), (4, "Yes, during the last year"))

# (question, ((score, answer), ...)) in the order of the form; the first three are AUDIT-C.
AUDIT: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    (
        "How often do you have a drink containing alcohol?",
        tuple(enumerate(("Never", "Monthly or less", "2 to 4 times per month", "2 to 3 times per week", "4 or more times per week"))),
    ),
    (
        "How many units of alcohol do you drink on a typical day when you are drinking?",
        tuple(enumerate(("1 to 2", "3 to 4", "5 to 6", "7 to 9", "10 or more"))),
    ),
    (
        "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion in the last year?",
        tuple(enumerate(OFTEN)),
    ),
    (
        "How often during the last year have you found that you were not able to stop drinking once you had started?",
        tuple(enumerate(OFTEN)),
    ),
    (
        "How often during the last year have you failed to do what was normally expected from you because of your drinking?",
        tuple(enumerate(OFTEN)),
    ),
    (
        "How often during the last year have you needed an alcoholic drink in the morning to get yourself going after a heavy drinking session?",
        tuple(enumerate(OFTEN)),
    ),
    ("How often during the last year have you had a feeling of guilt or remorse after drinking?", tuple(enumerate(OFTEN))),
    (
        "How often during the last year have you been unable to remember what happened the night before because you had been drinking?",
        tuple(enumerate(OFTEN)),
    ),
    ("Have you or somebody else been injured as a result of your drinking?", INJURY),
    (
        "Has a relative or friend, doctor or other health worker been concerned about your drinking or suggested that you cut down?",
        INJURY,
    ),
)
AUDIT_C_QUESTIONS = 3

DASH: tuple[str, ...] = (
    "Has the current incident resulted in injury?",
    "Are you very frightened?",
    "What are you afraid of? Is it further injury or violence?",
    "Do you feel isolated from family or friends, for example do they try to stop you from seeing friends, family, your doctor or others?",
    "Are you feeling depressed or having suicidal thoughts?",
    "Have you separated or tried to separate from them within the past year?",
    "Is there conflict over child contact?",
    "Do they constantly text, call, contact, follow, stalk or harass you?",
    "Are you pregnant or have you recently had a baby (within the last 18 months)?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Do they try to control everything you do and/or are they excessively jealous?",
    "Have they ever used weapons or objects to hurt you?",
    "Have they ever threatened to kill you or someone else and you believed them?",
    "Have they ever attempted to strangle, choke, suffocate or drown you?",
    "Do they do or say things of a sexual nature that make you feel bad or that physically hurt you or someone else?",
    "Is there any other person who has threatened you or who you are afraid of?",
    "Do you know if they have hurt anyone else?",
    "Have they ever mistreated an animal or the family pet?",
    "Are there any financial issues? For example, are you dependent on them for money, or have they recently lost their job?",
    "Have they had problems in the past year with drugs (prescription or other), alcohol or mental health leading to problems in leading a normal life?",
    "Have they ever threatened or attempted suicide?",
    "Have they ever broken bail, an injunction and/or a formal agreement for when they can see you and/or the children?",
    "Do you know if they have ever been in trouble with the police or have a criminal history?",
)
DASH_ANSWERS = (("yes", "Yes"), ("no", "No"), ("not-known", "Not known"))
