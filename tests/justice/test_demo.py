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
    from iomhub.rules.dates import whole_years_between

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


def test_the_demo_holds_sentences_passed_since_1_october_2026_with_dates_on_the_tab_the_agenda_and_the_prompts(client, db):
    """Issue 10: sentences passed under the progression model have their dates (never "not
    supported"), and those dates reach the Justice tab, the release prompts and a meeting's agenda."""
    from iomhub import clock
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration
    from iomhub.justice.selectors import caseload_prompts
    from iomhub.meetings.agenda import agenda_for
    from iomhub.meetings.models import Meeting

    today = datetime.date(2026, 12, 4)
    with clock.frozen(today):
        load_demo(people=400)
    new = list(Sentence.objects.filter(sentenced_on__gte=datetime.date(2026, 10, 1)).select_related("person"))
    assert len(new) >= 5
    for s in new:
        dates = sentence_dates(
            sentenced_on=s.sentenced_on,
            offence_committed_on=s.offence_committed_on,
            date_of_birth=s.person.date_of_birth,
            months=s.months,
            remand_days=s.remand_days,
        )
        assert dates.progression_model and s.calculation_note == ""
        assert (s.release_date, s.expiry_date, s.tused, s.hdced) == (dates.release_date, dates.expiry_date, None, None)
        assert any("Sentencing Act 2026 s.23" in line for line in s.breakdown)
    on_iom = {r.person_id: r for r in Registration.objects.filter(ended_on__isnull=True).select_related("person")}
    coordinator = User.objects.get(username="coordinator")
    coming = [
        s
        for s in new
        if s.person_id in on_iom
        and today < s.release_date <= datetime.date(2027, 3, 4)
        and s.person.managing_team_id == coordinator.team_id
    ]
    assert coming, "someone on IOM serving a sentence passed since 1 October 2026"
    s = coming[0]
    person = s.person
    chair = User.objects.get(username="chair")
    with clock.frozen(today):
        prompts = [p.prompt for p in caseload_prompts(user=chair, as_of=today) if p.person_id == person.pk]
        assert any(p.code == "pre-release-plan" and p.about == s.release_date for p in prompts)
        meeting = Meeting.objects.create(team_id=coordinator.team_id, held_on=today, location="Wessex", created_by=coordinator)
        agenda = agenda_for(user=chair, meeting=meeting)
        assert any(p.pk == person.pk and prompt.about == s.release_date for p, prompt in agenda.prompts)
        client.force_login(chair)
        page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert f"{s.release_date.day} {s.release_date:%B %Y}" in page
    assert "Sentencing Act 2026 s.23" in page


def test_the_demo_has_everyone_serving_a_sentence_in_custody_and_no_one_else(db):
    """The overview counted 0 in custody beside 6 people at the Prison level: the demo recorded
    sentences but no time in prison. Everyone whose sentence has begun and whose release is ahead is
    in custody today, and only they; everyone on IOM at the Prison level is among them."""
    from django.db.models import Q

    from iomhub import clock
    from iomhub.cohort.models import Registration
    from iomhub.justice.models import CustodyEpisode

    load_demo(people=400)
    today = clock.today()
    serving = {
        s.person_id for s in Sentence.objects.all() if s.sentenced_on <= today and (s.release_date is None or s.release_date > today)
    }
    held = set(
        CustodyEpisode.objects.filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("person_id", flat=True)
    )
    assert serving and held == serving
    at_prison_level = set(Registration.objects.filter(ended_on__isnull=True, rag="prison").values_list("person_id", flat=True))
    assert at_prison_level and at_prison_level <= held
