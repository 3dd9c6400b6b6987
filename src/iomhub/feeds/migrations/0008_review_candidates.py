"""The review queue's candidates as rows (``LinkReviewCandidate``: review, person id), so the rows
offered against someone a reader may not see are left out in SQL by an indexed look-up instead of
reading every row's ``candidates`` on each page (``feeds.selectors.reviews_for``). The rows already
on the queue are given theirs here; every later write of a review writes them
(``feeds.models.LinkReviewQuerySet``, ``LinkReview.save``)."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    review = apps.get_model("feeds", "LinkReview")
    candidate = apps.get_model("feeds", "LinkReviewCandidate")
    db = schema_editor.connection.alias
    pending = []
    for pk, candidates in review.objects.using(db).order_by("pk").values_list("pk", "candidates").iterator(chunk_size=BATCH):
        people = {int(c["person_id"]) for c in candidates or [] if c.get("person_id") is not None}
        pending += [candidate(review_id=pk, person_id=person) for person in sorted(people)]
        if len(pending) >= BATCH:
            candidate.objects.using(db).bulk_create(pending)
            pending = []
    candidate.objects.using(db).bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [("feeds", "0007_links_fewer_indexes")]

    operations = [
        migrations.CreateModel(
            name="LinkReviewCandidate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("person_id", models.BigIntegerField()),
                (
                    "review",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="offered", to="feeds.linkreview"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["person_id"], name="reviewcandidate_person_idx")],
                "constraints": [models.UniqueConstraint(fields=("review", "person_id"), name="one_review_candidate_per_person")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
