"""Work out again the calculated dates of every recorded sentence under the rules in force (issue 10)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iomhub.justice import services


class Command(BaseCommand):
    help = "Recompute every sentence's calculated dates under the current release-date rules (audited; the prison's dates stay in force)"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.sentences_recompute()
        self.stdout.write(
            f"Sentences: {counts['changed']} changed, {counts['unchanged']} unchanged, {counts['refused']} left for a person to check"
        )
