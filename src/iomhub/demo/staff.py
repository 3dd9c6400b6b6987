"""Who works the demo cohort: the demo users who lead cases and, for a large cohort, extra workers
(who cannot sign in) so nobody leads more than ``CASELOAD`` cases."""

from __future__ import annotations

import math
from collections import defaultdict

from faker import Faker

from iomhub.access.models import Organisation, Role, RoleAssignment, Team, User

CASELOAD = 30  # the most cases a demo worker leads; the rest of a large cohort go to extra workers
LEAD_SHARES = {"police": 0.45, "probation": 0.35, "substance": 0.2}
DEMO_LEADS = {"police": "police.officer", "probation": "probation.officer", "substance": "substance.worker"}
LEAD_ORGS = {"police": "Wessex Police", "probation": "Probation Service Wessex", "substance": "Wessex Drug and Alcohol Service"}
LEAD_ROLES = {"police": Role.POLICE_IOM_OFFICER, "probation": Role.PROBATION_OFFICER, "substance": Role.SUBSTANCE_MISUSE}


class Staff:
    """The demo users and, for a large cohort, extra workers (who cannot sign in) to share it."""

    def __init__(self, *, cohort: int, seed: int, orgs: dict[str, Organisation], teams: list[Team]) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[*DEMO_LEADS.values(), "coordinator", "chair", "housing.worker", "dwp.worker"])
        }
        fake = Faker("en_GB")
        fake.seed_instance(seed + 11)
        self.pools: dict[str, list[User]] = {}
        for kind, username in DEMO_LEADS.items():
            pool = [users[username]]
            for i in range(max(0, math.ceil(cohort * LEAD_SHARES[kind] / CASELOAD) - 1)):
                first, last = fake.first_name(), fake.last_name()
                name = f"{username}.{i + 2:02d}"
                user, created = User.objects.get_or_create(
                    username=name,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{name}@example.org",
                        "organisation": orgs[LEAD_ORGS[kind]],
                        "team": teams[i % len(teams)] if teams else None,
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                RoleAssignment.objects.get_or_create(user=user, role=LEAD_ROLES[kind])
                pool.append(user)
            self.pools[kind] = pool
        self.coordinator = users["coordinator"]
        self.chair = users["chair"]
        self.housing = users["housing.worker"]
        self.dwp = users["dwp.worker"]
        self.loads: dict[int, int] = defaultdict(int)

    def demo(self, kind: str) -> User:
        return self.pools[kind][0]

    def allocate(self, kind: str) -> User:
        pool = self.pools[kind]
        if len(pool) == 1 or self.loads[pool[0].pk] < CASELOAD:
            chosen = pool[0]
        else:
            chosen = min(pool[1:], key=lambda u: (self.loads[u.pk], u.pk))
        self.loads[chosen.pk] += 1
        return chosen
