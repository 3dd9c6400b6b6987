"""The offence catalogue (issue 4 §1): sourced rows only, every category checked against the rules,
unknown codes refused by name and never mapped to a guess."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from iomhub.justice import catalogue
from iomhub.justice.models import OffenceCode
from iomhub.justice.services import offence_codes_lookup
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME
from iomhub.rules.ogrs3 import OFFENCE_GROUPS

HEADER = "code,description,neighbourhood_crime,ogrs3_group,cost_category,source\n"

# Every code of the ONS crime hierarchy (ONSdigital/dp-hierarchy-builder
# cmd/hierarchy-transformer/output/crime/hierarchy.cypher @ 8a4c6668): 136 nodes, the node
# "1/4.1/4.10/4.2" (Homicide) catalogued as its four classes.
_ONS_CODES = """
80 802 79 38 24 67 27 61A 95 86 814 33 54 61 26 59 76 33A 60 99 83 15 69 96 21 22B 88A 20A 20B 22A
72 71 88E 88C 17B 17A 73 88D 23 70 19G 19C 19E 19H 19D 19F 58C 58D 58A 58B 58J 56A 56B 3A 105B 13
8M 8Q 3B 105A 106 14 11A 104 36 1 4.1 4.10 4.2 4.4 4.9 37.1 4.6 4.7 8P 8N 4.3 2 4.8 5D 5E 8S 8L 8R
49 41 42 49A 40 47 35 43 28C 29A 28F 28A 29 28H 28D 28E 28G 28B 45 44 39 31A 30C 31 30A 30D 30B 48
37.2 46 126 34A 34B 92A 92D 92E 92C 66 62A 9A 9B 10B 10D 90 81 10A 10C 53C 53D 53E 53B 53F 55 52 51
"""
ONS_HIERARCHY_CODES = _ONS_CODES.split()

# The hierarchy's neighbourhood-crime groups (003; instruments.md §5.2): domestic burglary, robbery
# of personal property, theft from / of a vehicle and vehicle interference, theft from the person.
NEIGHBOURHOOD_CODES = {
    **dict.fromkeys(["28A", "28B", "28C", "28D", "28E", "28F", "28G", "28H", "29", "29A"], "burglary"),
    "34B": "robbery",
    **dict.fromkeys(["45", "48", "37.2", "126"], "vehicle"),
    "39": "theft-from-person",
}


def test_every_row_of_the_shipped_catalogue_has_a_source_and_valid_categories():
    rows = catalogue.default_rows()
    for row in rows:
        assert row.source
        assert row.ogrs3_group in ("", *OFFENCE_GROUPS)
        assert row.neighbourhood_crime in ("", *NEIGHBOURHOOD_CRIME)


def test_the_catalogue_holds_every_code_of_the_ons_hierarchy_once():
    assert len(ONS_HIERARCHY_CODES) == len(set(ONS_HIERARCHY_CODES)) == 139
    rows = catalogue.default_rows()
    assert [r.code for r in rows] == ONS_HIERARCHY_CODES
    assert catalogue.CATALOGUE_VERSION == "2026.2"


def test_the_shipped_file_has_no_duplicate_codes():
    text = resources.files("iomhub.justice").joinpath("offence_codes.csv").read_text(encoding="utf-8")
    codes = [catalogue.normalise_code(r["code"]) for r in csv.DictReader(io.StringIO(text))]
    assert len(codes) == len(set(codes))


def test_exactly_the_neighbourhood_crime_groups_are_neighbourhood_crime():
    mapped = {r.code: r.neighbourhood_crime for r in catalogue.default_rows() if r.neighbourhood_crime}
    assert mapped == NEIGHBOURHOOD_CODES


def test_every_mapping_names_its_sources():
    for row in catalogue.default_rows():
        assert "ONS crime hierarchy" in row.source, row.code
        assert "OGRS3" in row.source, row.code
        if row.neighbourhood_crime:
            assert "§5.2" in row.source, row.code


@pytest.mark.parametrize(
    "code, description, neighbourhood, group, cost",
    [
        ("28E", "Burglary residential", "burglary", "burglary-domestic", "domestic-burglary"),
        ("28A", "Burglary in a dwelling(outcome only)", "burglary", "burglary-domestic", "domestic-burglary"),
        ("34B", "Robbery of personal property", "robbery", "robbery", "robbery"),
        ("45", "Theft from vehicle", "vehicle", "theft-from-vehicle", "theft-from-vehicle"),
        ("39", "Theft from the person", "theft-from-person", "theft-non-motor", "theft-from-person"),
        ("126", "Interfering with a motor vehicle", "vehicle", "other-motoring", ""),  # MoJ class 126: 0.2622
        ("49A", "Making off without payment", "", "theft-non-motor", ""),
        ("802", "Dangerous driving", "", "other-motoring", ""),
        ("80", "Absconding from lawful custody", "", "absconding-bail", ""),
        ("21", "Sexual activity involving a child under 13", "", "sexual-against-child", "other-sexual-offences"),
        ("19G", "Rape of a male child under 16", "", "", "rape"),  # class 019 mixes adult and child weights
        ("1", "Homicide", "", "violence", "homicide"),
        ("4.1", "Homicide", "", "", "homicide"),  # class 004 mixes violence and motoring weights
        ("37.1", "Causing death by aggravated vehicle taking", "", "taking-driving-away", ""),
        ("92C", "Other drug offences", "", "", ""),  # class 092 splits supply from import/production
        ("10D", "Possession of article with blade or point", "", "", ""),  # no class 010 in the MoJ file
        ("9A", "Public fear, alarm or distress", "", "", ""),  # class 009's weight is criminal damage's
        ("62A", "Violent disorder", "", "", ""),  # class 062's weight does not fit violent disorder
    ],
)
def test_spot_checks_against_the_sources(code, description, neighbourhood, group, cost):
    row = next(r for r in catalogue.default_rows() if r.code == code)
    assert (row.description, row.neighbourhood_crime, row.ogrs3_group, row.cost_category) == (description, neighbourhood, group, cost)


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


@pytest.mark.parametrize("unknown", ["028/01", "999", "28Z", "burglary", "1/4.1/4.10/4.2", "10"])
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
