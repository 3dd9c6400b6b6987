"""A realistic API mix for ``scripts/resilience.py load`` (issue 13 §7a): search by surname, read a
person, read their timeline and justice record, the readiness probe. Run only through Locust's own
command line: Locust monkey-patches the standard library with gevent, so this file imports nothing
of IOM Hub or Django. The token and the people's ids come from the environment."""

import os
import random

from locust import HttpUser, between, task

TOKEN = os.environ["IOMHUB_TOKEN"]
IDS = [int(i) for i in os.environ["IOMHUB_PERSON_IDS"].split(",") if i]
SURNAMES = ["smith", "jones", "taylor", "brown", "williams", "wilson", "evans", "thomas"]


class Worker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.headers.update({"Authorization": f"Bearer {TOKEN}", "X-Forwarded-Proto": "https"})

    @task(4)
    def search(self) -> None:
        self.client.get(f"/api/v1/people?q={random.choice(SURNAMES)}", name="/api/v1/people?q=[surname]")  # noqa: S311

    @task(4)
    def person(self) -> None:
        self.client.get(f"/api/v1/people/{random.choice(IDS)}", name="/api/v1/people/[id]")  # noqa: S311

    @task(2)
    def timeline(self) -> None:
        self.client.get(f"/api/v1/people/{random.choice(IDS)}/timeline", name="/api/v1/people/[id]/timeline")  # noqa: S311

    @task(1)
    def ready(self) -> None:
        self.client.get("/ready")
