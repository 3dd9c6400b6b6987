"""A matched comparison in the Justice Data Lab's words (outcomes.md §3.3, from the MoJ JDL report
code: ``higher_or_lower_CI``, ``incr_or_decr_phrase``, ``sig_or_non_sig``): differences "for every
100 people", "statistically significant" only when the interval excludes 0, "more people would
need to be available" otherwise, and no result drawn from fewer than 60 people (§3.1) or from an
interval resting on fewer than 10 reoffenders or non-reoffenders (the ``np_10_marker``). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from iomhub.rules.matching import JDL_MINIMUM, NP_MINIMUM, Comparison, Difference

PENALISED = (
    "The registered and screened people differ so clearly on what is recorded that the usual model could not be fitted; "
    "a penalised one was used, and the match should be read with care."
)


@dataclass(frozen=True, slots=True)
class Words:
    conclusive: bool
    headline: str
    sentences: tuple[str, ...]


def _per_100(value: float) -> str:
    return f"{abs(100 * value):.0f}"


def _interval_sentence(diff: Difference, noun: str, what: str) -> str:
    """``higher_or_lower_CI`` and ``incr_or_decr_phrase``: the interval in words, per 100 people."""
    low, high = _per_100(diff.lower), _per_100(diff.upper)
    if diff.lower > 0:
        return f"For every 100 people, {what} increases the number of {noun} during a one-year period by between {low} and {high}. This is a statistically significant result."
    if diff.upper < 0:
        return f"For every 100 people, {what} decreases the number of {noun} during a one-year period by between {high} and {low}. This is a statistically significant result."
    needed = f" It is estimated that {diff.number_needed} people would be needed." if diff.number_needed else ""
    return (
        f"For every 100 people, {what} may decrease the number of {noun} during a one-year period by up to {low}, "
        f"or may increase it by up to {high}. More people would need to be available for analysis in order to "
        f"determine the direction of this difference.{needed}"
    )


def describe(comparison: Comparison, *, what: str = "being managed by IOM") -> Words:
    """The comparison's result in plain words, and whether it supports any conclusion."""
    rate, frequency = comparison.rate, comparison.frequency
    if comparison.model_note:
        return Words(False, "No comparison could be made.", (comparison.model_note,))
    if rate is None or frequency is None:
        return Words(
            False,
            "Too few people could be matched to compare.",
            (
                f"{comparison.matched} of the {comparison.treated} people registered found a similar screened person; at least two pairs are needed.",
                *((PENALISED,) if comparison.penalised else ()),
            ),
        )
    sentences = [
        f"{comparison.matched} of the {comparison.treated} people registered were matched to a similar person who was screened but not registered ({comparison.pool} screened).",
        f"Proven reoffenders per 100 people: {100 * rate.treated_mean:.0f} registered against {100 * rate.comparison_mean:.0f} in the comparison group.",
        f"Proven reoffences per 100 people: {100 * frequency.treated_mean:.0f} registered against {100 * frequency.comparison_mean:.0f} in the comparison group.",
    ]
    reoffenders = round(rate.treated_mean * rate.pairs)
    too_few = comparison.matched < JDL_MINIMUM
    thin = min(reoffenders, rate.pairs - reoffenders) < NP_MINIMUM
    if too_few:
        sentences.append(
            f"The Justice Data Lab needs at least {JDL_MINIMUM} people to report a result; with {comparison.matched} matched "
            "the numbers are too small to conclude anything, and the figures are shown for information only."
        )
    elif thin:
        sentences.append(
            f"Fewer than {NP_MINIMUM} of the matched registered people reoffended (or did not), so the interval is not reliable and no conclusion can be drawn."
        )
    sentences.append(_interval_sentence(rate, "proven reoffenders", what))
    sentences.append(_interval_sentence(frequency, "proven reoffences", what))
    if comparison.penalised:
        sentences.append(PENALISED)
    unbalanced = [b.covariate for b in comparison.balance if b.balanced is False]
    if unbalanced:
        sentences.append(
            "The groups were not well balanced after matching on: "
            + ", ".join(unbalanced)
            + ". Differences in reoffending may reflect those, not IOM."
        )
    conclusive = not too_few and not thin and not unbalanced
    if not conclusive:
        headline = "The numbers are too small, or the match too poor, to conclude whether IOM changed reoffending."
    elif rate.significant:
        direction = "lower" if rate.upper < 0 else "higher"
        headline = f"Proven reoffending was {direction} among the people registered than among similar people who were not: a statistically significant result."
    else:
        headline = "The analysis cannot show whether IOM changed proven reoffending: the interval includes no difference."
    return Words(conclusive, headline, tuple(sentences))
