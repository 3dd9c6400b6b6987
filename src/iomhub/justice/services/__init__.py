"""Every change to the justice record goes through here: authorise, validate, write, audit.

Each service takes ``acting_user``, refuses (audited) anyone who may not change the person's
justice section, raises ``ValidationError`` with field-level messages for bad input (storing
nothing), writes in a transaction and audits with before/after values.

Rules and their sources:
- Sentence dates: ``iomhub.rules.sentence`` (002 §5; CJA 2003 s.243A/244/256AA; instruments.md §6;
  the Sentencing Act 2026 progression model, reference/release-dates-2026.md); the prison's own
  calculation, entered as an override with a reason, wins; sentences the rules refuse keep a note.
- Recall: the recall type is asked for, never guessed (reference/release-dates-2026.md §2.2): FTR56
  (56 days) for adults, FTR14/FTR28 for young offenders (s.250/s.91 detention) by sentence length;
  an adult recall decided before 31 March 2026 may still be FTR14/28. Never released after the
  licence expiry; the recall report is due 24 hours after the recall decision.
- Breach of post-sentence supervision (002 §5): the magistrates' court may take no action, fine up
  to £1,000 (level 3), commit to custody for up to 14 days, or make a supervision default order of
  20-60 hours' unpaid work or an electronically monitored curfew of at least 20 days; no sanction
  except committal may run beyond the end of post-sentence supervision.
- MAPPA level (002 §4 "MAPPA Cases", 002 §2): one record per change, from a date, with the category
  when managed (000 §6.6.1), who recorded it and where it was decided; never edited.
- Licence conditions and post-sentence supervision requirements (002 §5): the standard licence
  conditions are given to everyone on licence; additional conditions to some, with their wording;
  supervision requirements come only from the list of 002 §5 (additional conditions are not
  available for supervision); drug testing needs the drug-misuse criteria of 002 §5.

The services are split by the part of the record they change (``events``, ``sentences``, ``recalls``,
``conditions``); this package is their one public name, ``iomhub.justice.services``.
"""

from iomhub.justice.services._common import MAX_TEXT, authorise_change, offence_codes_lookup
from iomhub.justice.services.conditions import StaleConditions, conditions_set
from iomhub.justice.services.events import (
    REQUIREMENT_DISPOSALS,
    arrest_record,
    court_outcome_record,
    custody_episode_record,
    mappa_record,
    offence_record,
    warrant_execute,
    warrant_record,
)
from iomhub.justice.services.recalls import (
    PSS_COMMITTAL_LIMIT_DAYS,
    PSS_CURFEW_MINIMUM_DAYS,
    PSS_FINE_LIMIT_POUNDS,
    PSS_UNPAID_WORK_HOURS,
    RECALL_REPORT_HOURS,
    pss_breach_record,
    recall_record,
)
from iomhub.justice.services.sentences import (
    COMPUTED_FIELDS,
    OVERRIDE_FIELDS,
    RULES_UPDATE,
    SENTENCE_AUDITED,
    SENTENCE_INPUTS,
    compute_dates,
    sentence_override,
    sentence_record,
    sentences_recompute,
)

__all__ = [
    "COMPUTED_FIELDS",
    "MAX_TEXT",
    "OVERRIDE_FIELDS",
    "PSS_COMMITTAL_LIMIT_DAYS",
    "PSS_CURFEW_MINIMUM_DAYS",
    "PSS_FINE_LIMIT_POUNDS",
    "PSS_UNPAID_WORK_HOURS",
    "RECALL_REPORT_HOURS",
    "REQUIREMENT_DISPOSALS",
    "RULES_UPDATE",
    "SENTENCE_AUDITED",
    "SENTENCE_INPUTS",
    "StaleConditions",
    "arrest_record",
    "authorise_change",
    "compute_dates",
    "conditions_set",
    "court_outcome_record",
    "custody_episode_record",
    "mappa_record",
    "offence_codes_lookup",
    "offence_record",
    "pss_breach_record",
    "recall_record",
    "sentence_override",
    "sentence_record",
    "sentences_recompute",
    "warrant_execute",
    "warrant_record",
]
