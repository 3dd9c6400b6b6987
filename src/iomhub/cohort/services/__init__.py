"""Every change to an IOM registration goes through here: authorise, validate, write, audit.

Adoption opens a registration with its initial RAG classification (002 §2, appendix 1), the cohort
flags (neighbourhood crime, 003; domestic abuse; PPO, 000 §5.7) and the administration checklist of
002 appendix 2, every item outstanding until someone records the date and by whom.

The services are split by the part of the registration's life they change (``registration``,
``rag``, ``deregistration``, ``transfers``; ``_common`` is what they share); this package is their
one public name, ``iomhub.cohort.services``.
"""

from iomhub.cohort.services._common import SHORT_LIMIT, TEXT_LIMIT
from iomhub.cohort.services.deregistration import deregister, removal_record
from iomhub.cohort.services.rag import rag_change, review_record
from iomhub.cohort.services.registration import checklist_record, registration_circumstances, registration_open, team_postcodes_set
from iomhub.cohort.services.transfers import PACK_FIELDS, TRANSFER_STEPS, transfer_propose, transfer_step

__all__ = [
    "PACK_FIELDS",
    "SHORT_LIMIT",
    "TEXT_LIMIT",
    "TRANSFER_STEPS",
    "checklist_record",
    "deregister",
    "rag_change",
    "registration_circumstances",
    "registration_open",
    "removal_record",
    "review_record",
    "team_postcodes_set",
    "transfer_propose",
    "transfer_step",
]
