"""Where a record a feed wrote came from and why it is this person (issue 11 §3: "every link explains
which fields agreed"), for the justice record: each arrest's ``ArrestLink`` and each court outcome,
offence and sentence override a ``FeedRecord`` names, with the feed, the import and line, how the
row was linked and the fields that agreed in words, and for a row decided on the review queue who
decided and when (``LinkReview``, by the row's key).

A sentence's override is told only while the feed's is the one in force: the prison's dates are
one override, the latest entered wins whoever entered it (``justice.services.sentence_override``),
so once a person enters the dates by hand after the feed, the override has no feed's source (the
page and the API then say it was recorded by hand).

Installed into ``justice.selectors`` at start-up (``FeedsConfig.ready``; justice is below feeds,
ADR 0032). It is part of the justice section (the links' ``SECTIONS``): justice reads it only with
the record, after authorising the section and auditing the view, so this module neither authorises
nor audits. Four queries at most for a whole record, whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse

from iomhub.feeds.models import ArrestLink, Feed, FeedRecord, LinkMethod, LinkReview
from iomhub.feeds.selectors import may_open_run
from iomhub.justice.models import Sentence
from iomhub.justice.selectors import ARREST, COURT_OUTCOME, OFFENCE, SENTENCE_OVERRIDE, Source

if TYPE_CHECKING:
    from iomhub.access.models import User

# What ``feeds.linkage.agreed_fields`` and the probable model (``linkage_model.probable._agreed``)
# store, in words: the field, then how it agreed when not exactly ("date_of_birth (day and month swapped)").
FIELD_WORDS = {
    "prison_number": "prison number",
    "pnc_id": "PNC ID",
    "family_name": "family name",
    "given_name": "given name",
    "date_of_birth": "date of birth",
}
KINDS = (COURT_OUTCOME, OFFENCE, SENTENCE_OVERRIDE)  # the object_type a FeedRecord names (feeds.records)


PROBABILITY = "match probability "  # the last of a probable link's ``agreed`` (``feeds.linkage.probable_link``)


def agreed_words(agreed: list[str]) -> tuple[tuple[str, ...], float | None]:
    """``["pnc_id", "date_of_birth (day and month swapped)", "match probability 0.991"]`` as
    ``(("PNC ID", "date of birth (day and month swapped)"), 0.991)``."""
    words, probability = [], None
    for item in agreed:
        name, _, how = item.partition(" (")
        if item.startswith(PROBABILITY):
            probability = float(item.removeprefix(PROBABILITY))
        else:
            words.append(f"{FIELD_WORDS[name]} ({how}" if how and name in FIELD_WORDS else FIELD_WORDS.get(item, item))
    return tuple(words), probability


def sources_for(*, user: User, person_id: int, wanted: dict[str, list[int]]) -> dict[tuple[str, int], Source]:
    """``{(kind, id): Source}`` for the records of ``person_id`` in ``wanted`` (``{kind: ids}``) a
    feed wrote; a record keyed by hand has none. The caller has authorised and audited the read."""
    links: list[tuple[str, int, dict[str, Any]]] = []
    if wanted.get(ARREST):
        for link in ArrestLink.objects.filter(arrest_id__in=wanted[ARREST]).values(
            "arrest_id", "method", "agreed", "run_id", "line", "row_key", "run__started_by_id"
        ):
            links.append((ARREST, link["arrest_id"], {**link, "feed": Feed.ARRESTS}))
    by_kind = Q()
    for kind in KINDS:
        if wanted.get(kind):
            by_kind |= Q(object_type=kind, object_id__in=wanted[kind])
    if by_kind:
        # By the person first (FeedRecord.person's index; a merge moves the record and the link
        # together); the latest row for an object (a sentence's override may come more than once) wins.
        latest: dict[tuple[str, int], dict[str, Any]] = {}
        for record in (
            FeedRecord.objects.filter(by_kind, person_id=person_id)
            .order_by("id")
            .values(
                "object_type",
                "object_id",
                "feed",
                "method",
                "agreed",
                "run_id",
                "line",
                "row_key",
                "run__started_by_id",
                "run__finished_at",
                "run__file_name",
                "written_at",
            )
        ):
            latest[(record["object_type"], record["object_id"])] = dict(record)
        links += [(kind, object_id, row) for (kind, object_id), row in latest.items()]
    openable = {by for by in {row["run__started_by_id"] for _, _, row in links} if may_open_run(user, by)}
    decided = _decisions([row for _, _, row in links if row["method"] == LinkMethod.REVIEWED])
    overrides = _overrides_in_force([object_id for kind, object_id, _ in links if kind == SENTENCE_OVERRIDE], person_id)
    found = {}
    for kind, object_id, row in links:
        review = decided.get(row["row_key"] or (row["run_id"], row["line"]))
        if kind == SENTENCE_OVERRIDE and not _wrote_override(row, review, overrides.get(object_id)):
            continue  # entered by hand since: the override in force is not the feed's
        agreed, probability = agreed_words(list(row["agreed"]))
        found[(kind, object_id)] = Source(
            feed=str(Feed(row["feed"]).label),
            run=row["run_id"],
            line=row["line"],
            method=row["method"],
            method_label=str(LinkMethod(row["method"]).label),
            agreed=agreed,
            match_probability=probability,
            decided_by=review["by"] if review else "",
            decided_at=review["at"] if review else None,
            run_url=reverse("feeds:run", args=[row["run_id"]]) if row["run__started_by_id"] in openable else "",
        )
    return found


def _overrides_in_force(sentence_ids: list[int], person_id: int) -> dict[int, Mapping[str, Any]]:
    """Each sentence's override in force: when, by whom and why it was entered (one query)."""
    if not sentence_ids:
        return {}
    rows = Sentence.objects.filter(pk__in=sentence_ids, person_id=person_id).values(
        "pk", "overridden_at", "overridden_by_id", "override_reason"
    )
    return {row["pk"]: row for row in rows}


def _wrote_override(row: dict[str, Any], review: dict[str, Any] | None, override: Mapping[str, Any] | None) -> bool:
    """Whether the override in force is the one this feed row wrote (``feeds.releases.record``)
    rather than one a person entered since. Exact for a row written since feeds/0009, which keeps
    the override's time as the feed set it: the sentence still holds that time (ADR 0044). For an
    older row, inferred: entered by whoever wrote the row (the importer, or the coordinator who
    decided it on review), no later than the row was written (by the end of its import, or by the
    decision), with the reason the feed gives, which names the file and line."""
    if override is None or override["overridden_at"] is None:
        return False
    if row.get("written_at") is not None:  # stored since feeds/0009: exact
        return bool(override["overridden_at"] == row["written_at"])
    writer, written_by = (review["by_id"], review["at"]) if review else (row["run__started_by_id"], row["run__finished_at"])
    if override["overridden_by_id"] != writer or (written_by is not None and override["overridden_at"] > written_by):
        return False
    return f"({row['run__file_name']}, line {row['line']})" in override["override_reason"]


def _decisions(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Who decided each row decided on review and when, by the row's key (the queue holds a row
    once, ``LinkReview.row_key``) or, for a link kept before row keys were, by its import and line."""
    if not rows:
        return {}
    keys = {r["row_key"] for r in rows if r["row_key"]}
    lines = Q()
    for r in rows:
        if not r["row_key"]:
            lines |= Q(run_id=r["run_id"], line=r["line"])
    found: dict[Any, dict[str, Any]] = {}
    reviews = LinkReview.objects.filter(Q(row_key__in=keys) | lines, status=LinkReview.Status.DECIDED).select_related("decided_by")
    for review in reviews:
        who = review.decided_by.display_name if review.decided_by else ""
        found[review.row_key] = found[(review.run_id, review.line)] = {"by": who, "by_id": review.decided_by_id, "at": review.decided_at}
    return found
