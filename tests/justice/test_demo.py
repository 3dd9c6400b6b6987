"""The demo partnership's justice records: a realistic share of people, dates from the rules,
the same records from the same seed."""

from __future__ import annotations

import datetime

from iomhub.demo import load_demo
from iomhub.justice.models import Arrest, CourtOutcome, Offence, Sentence, Warrant
from iomhub.people.models import Person
from iomhub.rules.sentence import sentence_dates


def test_the_demo_gives_a_realistic_share_of_people_a_justice_record(db):
    load_demo(people=400)
    people = Person.objects.count()
    arrested = Arrest.objects.values("person").distinct().count()
    sentenced = Sentence.objects.values("person").distinct().count()
    assert 0.3 * people < arrested < 0.6 * people
    assert 0.05 * people < sentenced < 0.25 * people
    assert Offence.objects.filter(arrest__isnull=False).count() == Arrest.objects.count()
    assert Warrant.objects.exists()
    for s in Sentence.objects.select_related("person")[:20]:
        dates = sentence_dates(
            sentenced_on=s.sentenced_on,
            offence_committed_on=s.offence_committed_on,
            date_of_birth=s.person.date_of_birth,
            months=s.months,
            remand_days=s.remand_days,
        )
        assert (s.release_date, s.expiry_date, s.tused) == (dates.release_date, dates.expiry_date, dates.tused)


def test_the_same_seed_gives_the_same_justice_records(db):
    load_demo(people=150)
    first = sorted(Arrest.objects.values_list("arrested_on", "outcome"))
    from iomhub.justice.models import SupervisionConditions

    conditions = sorted(SupervisionConditions.objects.values_list("set_on", "licence_additional", "pss_requirements"))
    SupervisionConditions.objects.all().delete()
    Sentence.objects.all().delete()
    CourtOutcome.objects.all().delete()
    Offence.objects.all().delete()
    Arrest.objects.all().delete()
    Sentence.objects.all().delete()
    Warrant.objects.all().delete()
    from iomhub.demo import build_justice

    build_justice(seed=2026)
    assert sorted(Arrest.objects.values_list("arrested_on", "outcome")) == first
    assert sorted(SupervisionConditions.objects.values_list("set_on", "licence_additional", "pss_requirements")) == conditions


def test_the_demo_gives_people_released_on_licence_their_conditions(db):
    from iomhub.justice.models import LicenceCondition, SupervisionConditions

    load_demo(people=400)
    conditions = list(SupervisionConditions.objects.select_related("sentence"))
    licensed = Sentence.objects.filter(release_type="CRD").count()
    assert 0.3 * licensed < len(conditions) <= licensed
    assert any(c.pss_requirements for c in conditions) and any("drug-appointments" in c.licence_additional for c in conditions)
    for c in conditions:
        assert c.person_id == c.sentence.person_id
        assert set(c.licence_standard) == set(LicenceCondition.values)  # given to everyone on licence (002 §5)
        assert not c.pss_requirements or c.sentence.tused is not None
        assert c.drug_test_criteria_met == ("drug-testing" in c.licence_additional)
        assert c.sentence.sentenced_on <= c.set_on <= datetime.date(2026, 11, 1)


def test_the_demo_gives_people_convictions_and_cautions_so_ogrs3_can_be_computed(db):
    from iomhub.referrals.ogrs import derive_many
    from iomhub.rules._dates import whole_years_between

    load_demo(people=400)
    loaded_on = datetime.date(2026, 11, 1)
    outcomes = list(CourtOutcome.objects.select_related("person").prefetch_related("offences"))
    assert outcomes
    for o in outcomes:
        assert o.decided_on <= loaded_on
        assert whole_years_between(o.person.date_of_birth, o.decided_on) >= 10  # the age of criminal responsibility
        assert o.offences.count() == 1 and all(f.committed_on <= o.decided_on for f in o.offences.all())
    for s in Sentence.objects.select_related("court_outcome", "offence"):
        assert s.court_outcome is not None and s.court_outcome.disposal == "custody" and s.court_outcome.decided_on == s.sentenced_on
        assert s.offence is not None and s.offence.committed_on == s.offence_committed_on
    convicted = Person.objects.filter(court_outcomes__isnull=False).distinct()
    scored = [d for d in derive_many(list(convicted), loaded_on).values() if d.result is not None]
    assert len(scored) > 0.6 * convicted.count(), "most people with a sanction get an OGRS3 score"
    assert {d.result.band for d in scored} >= {"low", "medium", "high"}
