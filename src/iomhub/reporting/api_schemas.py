"""The named, typed schemas of the reports' JSON (issue 17): what a generated client reads. The
figures only, never anyone's identity (issue 16)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):  # type: ignore[type-arg]
    """A count or a rate, as the report computed it (an integer stays an integer)."""

    def to_representation(self, value: Any) -> Any:
        return value


class ReportRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    value = NumberField()


class ReportTableSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    caption = serializers.CharField()
    unit = serializers.CharField(help_text="What the values count: People, Contacts, ...")
    rows = ReportRowSerializer(many=True)


class NotSupportedSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField()
    why = serializers.CharField()


class TrendRowSerializer(serializers.Serializer[Any]):
    quarter = serializers.CharField(help_text="For example 2026Q3")
    managed_at_end = serializers.IntegerField()
    registrations = serializers.IntegerField()
    exits = serializers.IntegerField()
    average_caseload = serializers.FloatField()


class ReportSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    period = serializers.CharField()
    team = serializers.CharField()
    tables = ReportTableSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    not_yet_supported = NotSupportedSerializer(many=True, help_text="Measures the data cannot support yet, and why")
    trend = TrendRowSerializer(many=True, required=False, help_text="The overview's headline trend, quarter by quarter")


class ReoffendingResultSerializer(serializers.Serializer[Any]):
    cohort = serializers.IntegerField()
    reoffenders = serializers.IntegerField()
    reoffences = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    per_reoffender = serializers.FloatField(allow_null=True)
    per_offender = serializers.FloatField(allow_null=True)
    not_yet_measurable = serializers.IntegerField()


class LibertyWindowSerializer(serializers.Serializer[Any]):
    offences = serializers.IntegerField()
    liberty_days = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Offences per 365 days at liberty")


class AtLibertySerializer(serializers.Serializer[Any]):
    people = serializers.IntegerField()
    before = LibertyWindowSerializer()
    after = LibertyWindowSerializer()
    rate_ratio = serializers.FloatField(allow_null=True)
    rate_ratio_95_ci = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True)
    reduction = serializers.FloatField(allow_null=True)
    censored = serializers.IntegerField()


class PathwayRedChangeSerializer(serializers.Serializer[Any]):
    pathway = serializers.CharField()
    people = serializers.IntegerField()
    red_first = serializers.IntegerField()
    red_latest = serializers.IntegerField()
    improved = serializers.IntegerField()
    same = serializers.IntegerField()
    worse = serializers.IntegerField()


class AttritionStageSerializer(serializers.Serializer[Any]):
    stage = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    people = serializers.IntegerField()
    share_of_first = serializers.FloatField(allow_null=True)
    lost = serializers.IntegerField()


class AttritionSerializer(serializers.Serializer[Any]):
    stages = AttritionStageSerializer(many=True)
    exits_planned = serializers.IntegerField()
    exits_unplanned = serializers.IntegerField()


class CostOfOffendingSerializer(serializers.Serializer[Any]):
    price_year = serializers.CharField()
    before_pounds = serializers.IntegerField()
    after_pounds = serializers.IntegerField()
    before_offences_costed = serializers.IntegerField()
    after_offences_costed = serializers.IntegerField()
    unknown_unit_costs = serializers.ListField(child=serializers.CharField())


class TargetSerializer(serializers.Serializer[Any]):
    reduction = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    met = serializers.BooleanField(allow_null=True, help_text="Null when it cannot be worked out")
    explanation = serializers.CharField()


class ReoffendingSerializer(serializers.Serializer[Any]):
    cohort_from = serializers.DateField()
    cohort_to = serializers.DateField()
    team = serializers.CharField()
    as_of = serializers.DateField()
    after_registration = ReoffendingResultSerializer()
    before_registration = ReoffendingResultSerializer()
    rate_95_ci = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True)
    at_liberty = AtLibertySerializer()
    pathway_change = PathwayRedChangeSerializer(many=True)
    attrition = AttritionSerializer()
    cost_of_offending = CostOfOffendingSerializer()
    target = TargetSerializer()


class DifferenceSerializer(serializers.Serializer[Any]):
    registered = serializers.FloatField(help_text="Mean over the matched registered people (share or offences per person)")
    comparison = serializers.FloatField(help_text="Mean over their matched screened people")
    difference = serializers.FloatField(help_text="Registered minus comparison")
    ci_95 = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, help_text="Paired 95% interval")
    p_value = serializers.FloatField()
    significant = serializers.BooleanField(help_text="The interval excludes 0")
    people_needed = serializers.IntegerField(allow_null=True, help_text="People needed for a difference this size to be significant")


class BalanceSerializer(serializers.Serializer[Any]):
    covariate = serializers.CharField()
    description = serializers.CharField(help_text="The covariate in words")
    registered_before = serializers.FloatField()
    comparison_before = serializers.FloatField()
    smd_before = serializers.FloatField(
        allow_null=True, help_text="Standardised mean difference before matching; null when both groups are constant and differ"
    )
    registered_after = serializers.FloatField(allow_null=True)
    comparison_after = serializers.FloatField(allow_null=True)
    smd_after = serializers.FloatField(allow_null=True, help_text="After matching; under 0.1 either way is a good balance")
    balanced = serializers.BooleanField(allow_null=True)


class ComparisonSerializer(serializers.Serializer[Any]):
    cohort_from = serializers.DateField()
    cohort_to = serializers.DateField()
    team = serializers.CharField()
    as_of = serializers.DateField()
    registered = serializers.IntegerField(help_text="People registered in the period and measurable")
    screened_not_registered = serializers.IntegerField(
        help_text="People who met the screening criteria in the period, never registered, measurable"
    )
    matched_pairs = serializers.IntegerField()
    registered_unmatched = serializers.IntegerField()
    registered_not_yet_measurable = serializers.IntegerField()
    screened_not_yet_measurable = serializers.IntegerField()
    caliper = serializers.FloatField(allow_null=True, help_text="On the logit of the propensity score")
    balance = BalanceSerializer(many=True)
    reoffending_rate = DifferenceSerializer(allow_null=True)
    reoffending_frequency = DifferenceSerializer(allow_null=True)
    conclusive = serializers.BooleanField()
    headline = serializers.CharField()
    sentences = serializers.ListField(child=serializers.CharField())
    model_note = serializers.CharField(allow_blank=True)
