"""JSON shapes of a person, showing only the sections the reader is entitled to."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from iomhub.access.api_fields import StrictModelSerializer
from iomhub.access.policy import ALL_SECTIONS, sections_for
from iomhub.access.projection import lens_of_sections, section_of
from iomhub.people.models import RESTRICTED, Address, Alias, ContactNumber, Marker, Person, Restriction

IDENTITY_FIELDS = [
    "first_name", "middle_names", "last_name", "date_of_birth", "sex", "gender_identity",
    "pnc_id", "cro_number", "urn", "ni_number", "prison_number", "crn", "nhs_number",
]  # fmt: skip
EQUALITY_FIELDS = ["ethnicity", "disability", "religion", "sexual_orientation"]
# The nested lists of a person and the model whose declared section each belongs to.
NESTED = {"aliases": Alias, "addresses": Address, "contact_numbers": ContactNumber, "markers": Marker}
ABOUT_THE_RECORD = frozenset({"id", "version", "sections", "merged_into"})


class AliasSerializer(StrictModelSerializer):
    class Meta:
        model = Alias
        fields = ["first_name", "last_name", "date_of_birth"]


class AddressSerializer(StrictModelSerializer):
    class Meta:
        model = Address
        fields = ["line_1", "line_2", "town", "postcode", "from_date", "to_date", "no_fixed_abode"]


class ContactNumberSerializer(StrictModelSerializer):
    class Meta:
        model = ContactNumber
        fields = ["kind", "number"]


class MarkerSerializer(StrictModelSerializer):
    class Meta:
        model = Marker
        fields = ["kind", "note", "added_on"]


class PersonSummarySerializer(StrictModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "date_of_birth", "pnc_id", "crn"]


class PersonDetailSerializer(StrictModelSerializer):
    """A person's record, trimmed to the sections the reader's role and agency may see."""

    aliases = AliasSerializer(many=True, required=False)
    addresses = AddressSerializer(many=True, required=False)
    contact_numbers = ContactNumberSerializer(many=True, required=False)
    markers = MarkerSerializer(many=True, required=False)
    version = serializers.IntegerField(read_only=True)
    sections = serializers.SerializerMethodField()
    restriction = serializers.ChoiceField(
        choices=[*Restriction.choices, (RESTRICTED, "Restricted, for a reason not shared with you")],
        read_only=True,
        help_text=(
            'Empty when the person is not restricted; why they are ("mappa", "counter-terrorism", "other") '
            "when the section that reason belongs to is shared with you (MAPPA: justice; counter-terrorism: "
            'intelligence); else "restricted".'
        ),
    )

    class Meta:
        model = Person
        fields = ["id", "version", "sections", *IDENTITY_FIELDS, *EQUALITY_FIELDS, "email", "restriction",
                  "aliases", "addresses", "contact_numbers", "markers", "merged_into"]  # fmt: skip
        read_only_fields = ["id", "version", "restriction", "merged_into"]
        extra_kwargs = {"merged_into": {"help_text": "Set when this record was merged into another (its records are there)"}}

    def _allowed(self) -> frozenset[str]:
        user = self.context.get("user")
        return sections_for(user) if user is not None else frozenset()

    def get_sections(self, obj: Person) -> list[str]:
        return sorted(s for s in self._allowed() if s in ALL_SECTIONS)

    def to_representation(self, instance: Person) -> dict[str, Any]:
        """Every field whose section (as its model declares it, ``access.projection``) the reader
        sees; the rest left out."""
        data: dict[str, Any] = super().to_representation(instance)
        lens = lens_of_sections(self._allowed())
        for name in list(data):
            if name in ABOUT_THE_RECORD:
                continue
            section = section_of(NESTED[name], "*") if name in NESTED else section_of(Person, name)
            if not lens.sees(section):
                del data[name]
        if data.get("restriction") and not lens.sees(instance.restriction_section):
            data["restriction"] = RESTRICTED  # that it is restricted, not why (its reason's section)
        return data
