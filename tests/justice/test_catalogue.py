"""The offence catalogue (issue 4 §1): sourced rows only, every category checked against the rules,
unknown codes refused by name and never mapped to a guess."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from iomhub.justice import catalogue
from iomhub.justice.models import OffenceCode
from iomhub.justice.services import offence_codes_lookup
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME
from iomhub.rules.ogrs3 import OFFENCE_GROUPS

HEADER = "code,description,neighbourhood_crime,ogrs3_group,cost_category,source\n"


def test_every_row_of_the_shipped_catalogue_has_a_source_and_valid_categories():
    rows = catalogue.default_rows()
    assert len(rows) >= 30
    for row in rows:
        assert row.source
        assert row.ogrs3_group in ("", *OFFENCE_GROUPS)
        assert row.neighbourhood_crime in ("", *NEIGHBOURHOOD_CRIME)


@pytest.mark.parametrize(
    "code, neighbourhood, group, cost",
    [
        # Neighbourhood crime: domestic burglary, personal robbery, vehicle crime, theft from the person (003; §5.2).
        ("28E", "burglary", "burglary-domestic", "domestic-burglary"),
        ("34B", "robbery", "robbery", "robbery"),
        ("34A", "", "robbery", "commercial-robbery"),  # business robbery is not neighbourhood crime
        ("45", "vehicle", "theft-from-vehicle", "theft-from-vehicle"),
        ("48", "vehicle", "taking-driving-away", "theft-of-vehicle"),
        ("39", "theft-from-person", "theft-non-motor", "theft-from-person"),
        ("30C", "", "burglary-other", "commercial-burglary"),
        ("46", "", "theft-non-motor", "shoplifting"),
        ("8N", "", "", "violence-with-injury"),  # the MoJ mapping splits class 008 by sub-code: no guess
    ],
)
def test_the_loaded_catalogue_maps_codes_as_sourced(db, code, neighbourhood, group, cost):
    entry = OffenceCode.objects.get(code=code)
    assert (entry.neighbourhood_crime, entry.ogrs3_group, entry.cost_category) == (neighbourhood, group, cost)
    assert entry.catalogue_version == catalogue.CATALOGUE_VERSION


def test_the_migration_loaded_every_row(db):
    assert set(OffenceCode.objects.values_list("code", flat=True)) == {r.code for r in catalogue.default_rows()}


def test_sync_is_bulk_and_idempotent(db, django_assert_max_num_queries):
    OffenceCode.objects.all().delete()
    with django_assert_max_num_queries(8):
        assert catalogue.sync(OffenceCode) == {"added": len(catalogue.default_rows()), "updated": 0, "kept": 0}
    with django_assert_max_num_queries(3):
        assert catalogue.sync(OffenceCode) == {"added": 0, "updated": 0, "kept": 0}
    OffenceCode.objects.filter(code__in=["28E", "34B"]).update(ogrs3_group="", description="changed", catalogue_version="old")
    with django_assert_max_num_queries(6):
        assert catalogue.sync(OffenceCode) == {"added": 0, "updated": 2, "kept": 0}
    assert OffenceCode.objects.get(code="28E").ogrs3_group == "burglary-domestic"
    assert set(OffenceCode.objects.values_list("catalogue_version", flat=True)) == {catalogue.CATALOGUE_VERSION}


def test_the_catalogue_survives_a_flush_of_the_database(transactional_db):
    """Transactional tests (and an operator's ``flush``) empty every table; the catalogue is put back
    by the post-migrate hook, so a justice record can always be written afterwards."""
    from django.db import connection

    from iomhub.access import audit_triggers

    with audit_triggers.suspended(connection):
        call_command("flush", "--no-input", verbosity=0)
    assert set(OffenceCode.objects.values_list("code", flat=True)) == {r.code for r in catalogue.default_rows()}


@pytest.mark.parametrize(
    "line, message",
    [
        ("28E,Burglary,burglary,burglary-domestic,domestic-burglary,", "source is empty"),
        ("28E,Burglary,burgling,burglary-domestic,,src", "neighbourhood_crime 'burgling'"),
        ("28E,Burglary,,burglary-dom,,src", "ogrs3_group 'burglary-dom'"),
        ("28E,Burglary,,,domestic-burglarly,src", "cost_category 'domestic-burglarly'"),
        (",Burglary,,,,src", "code is empty"),
        ("28E,,,,,src", "description is empty"),
        ("28E,A,,,,src\n28e,B,,,,src", "line 3: code 28E appears twice"),
    ],
)
def test_a_bad_catalogue_row_is_refused_naming_its_line(line, message):
    with pytest.raises(ValueError, match="offence catalogue line") as caught:
        catalogue.parse_catalogue((HEADER + line).splitlines())
    assert message in str(caught.value)


def test_wrong_columns_are_refused():
    with pytest.raises(ValueError, match="columns must be"):
        catalogue.parse_catalogue(["code,description\n", "28E,x\n"])


@pytest.mark.parametrize("typed", ["28e", " 34 B ", "45"])
def test_known_codes_are_found_whatever_the_case_and_spacing(db, typed):
    assert offence_codes_lookup([typed])[0].code == catalogue.normalise_code(typed)


@pytest.mark.parametrize("unknown", ["028/01", "999", "28Z", "burglary"])
def test_an_unknown_code_is_reported_never_mapped(db, unknown):
    with pytest.raises(ValidationError) as caught:
        offence_codes_lookup(["28E", unknown])
    assert "Unknown Home Office offence code" in caught.value.message_dict["offence_codes"][0]
    assert catalogue.normalise_code(unknown) in caught.value.message_dict["offence_codes"][0]


def test_the_command_reloads_and_refuses_a_bad_file(db, tmp_path):
    OffenceCode.objects.filter(code="28E").update(description="changed")
    call_command("justice_load_offences")
    assert OffenceCode.objects.get(code="28E").description == "Burglary residential"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "99X,Thing,,,,\n")
    with pytest.raises(CommandError, match="source is empty"):
        call_command("justice_load_offences", file=str(bad))
