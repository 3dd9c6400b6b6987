"""The matched comparison (issue 16 §4; outcomes.md §3, M3): propensity score matching of the
people registered with IOM against people who met the screening criteria in the same period but
were not registered, the balance of the match, the difference in proven reoffending with its
confidence interval, and the Justice Data Lab's words for it. Pure arithmetic (numpy, statsmodels,
scipy): no Django.

Method (ADR 0025; the JDL's own variable list, algorithm and variance formula were NOT FOUND,
outcomes.md §3.1 and §10.7, so every choice here is [inferred] and standard practice):
- **Propensity score**: logistic regression (statsmodels ``Logit``) of being registered on the
  covariates, each standardised; a covariate missing for some people is filled with the mean of
  those who have it and gains a "not known" indicator column; a column that does not vary is left
  out of the model (it cannot separate anyone) but stays in the balance table; when the groups
  separate completely (no maximum-likelihood answer, common in a small cohort) a ridge-penalised
  fit is used instead and the result says so.
- **Matching**: 1:1 nearest neighbour on the logit of the score, without replacement, with a
  caliper of 0.2 standard deviations of the logit (Austin 2011); the treated are taken from the
  highest score down (the hardest to match first), ties by the order given, so the match is
  deterministic. Treated people with no comparison inside the caliper are left unmatched and
  counted.
- **Balance**: standardised mean difference (treated - comparison) ÷ √((s²_t + s²_c) ÷ 2), before
  matching over everyone and after matching over the pairs, both with the before-matching
  variances as the denominator so the change reflects means alone; under 0.1 is a good balance.
- **Difference**: the mean of the within-pair differences with a paired t interval (95%) and
  its two-sided p-value: a paired analysis, as matched samples are not independent.
- **Words** (JDL, outcomes.md §3.3): "for every 100 people" with the interval, "statistically
  significant" only when the interval excludes 0, "more people would need to be available" with
  the number needed otherwise, and no conclusion under 60 matched people (the JDL minimum) or when
  fewer than 10 reoffenders (or non-reoffenders) make the interval unreliable (np ≥ 10).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CALIPER_SD = 0.2  # Austin 2011: 0.2 standard deviations of the logit of the propensity score
GOOD_BALANCE = 0.1  # an absolute standardised mean difference under 0.1
JDL_MINIMUM = 60  # outcomes.md §3.1: "Information on at least 60 service users is required"
NP_MINIMUM = 10  # outcomes.md §3.3: np_10_marker
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Subject:
    """One person in the comparison: registered (treated) or screened but not registered, their
    covariates at their index date (None: not known) and their outcome."""

    key: Hashable
    treated: bool
    covariates: Mapping[str, float | None]
    reoffended: bool
    reoffences: int = 0


@dataclass(frozen=True, slots=True)
class Balance:
    covariate: str
    treated_before: float
    comparison_before: float
    smd_before: float
    treated_after: float | None
    comparison_after: float | None
    smd_after: float | None

    @property
    def balanced(self) -> bool | None:
        return None if self.smd_after is None else abs(self.smd_after) < GOOD_BALANCE


@dataclass(frozen=True, slots=True)
class Difference:
    """Treated mean - comparison mean over the matched pairs, with a paired 95% interval."""

    treated_mean: float
    comparison_mean: float
    difference: float
    lower: float
    upper: float
    p_value: float
    pairs: int
    number_needed: int | None  # people needed for a difference this size to be significant

    @property
    def significant(self) -> bool:
        return self.lower > 0 or self.upper < 0


@dataclass(frozen=True, slots=True)
class Comparison:
    treated: int
    pool: int
    matched: int
    unmatched_treated: int
    caliper: float | None
    balance: tuple[Balance, ...]
    rate: Difference | None
    frequency: Difference | None
    pairs: tuple[tuple[Hashable, Hashable], ...]
    model_note: str = ""  # why no comparison could be made
    penalised: bool = False  # the groups separate: the score came from a ridge-penalised fit


def standardised_difference(
    treated: Sequence[float] | np.ndarray, comparison: Sequence[float] | np.ndarray, *, scale: float | None = None
) -> float:
    """(mean_t - mean_c) ÷ √((var_t + var_c) ÷ 2) with population variances, or ÷ ``scale`` when
    given; 0 when both groups are constant and equal."""
    t, c = np.asarray(treated, dtype=float), np.asarray(comparison, dtype=float)
    if len(t) == 0 or len(c) == 0:
        raise ValueError("both groups need at least one person")
    denominator = scale if scale is not None else math.sqrt((t.var() + c.var()) / 2)
    gap = float(t.mean() - c.mean())
    if denominator == 0:
        return 0.0 if gap == 0 else math.copysign(math.inf, gap)
    return gap / denominator


def design_matrix(subjects: Sequence[Subject], names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The covariates as columns: missing values filled with the mean of those known, with a
    "<name> not known" indicator column wherever any is missing."""
    columns, labels = [], []
    for name in names:
        values = [s.covariates.get(name) for s in subjects]
        for subject, value in zip(subjects, values, strict=True):
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} of subject {subject.key!r} is not a finite number: {value!r}")
        known = [float(v) for v in values if v is not None]
        fill = sum(known) / len(known) if known else 0.0
        columns.append([fill if v is None else float(v) for v in values])
        labels.append(name)
        if len(known) < len(values):
            columns.append([1.0 if v is None else 0.0 for v in values])
            labels.append(f"{name} not known")
    return np.array(columns, dtype=float).T.reshape(len(subjects), len(labels)), labels


def propensity_logits(x: np.ndarray, treated: np.ndarray) -> tuple[np.ndarray, bool]:
    """The logit of each person's propensity score from a logistic regression (statsmodels) on the
    standardised, varying columns of ``x``, and whether it had to be penalised: when the groups
    separate (a small cohort often does), maximum likelihood has no answer, so a ridge-penalised
    fit (GLM binomial, L2, alpha 0.1 on standardised columns) gives finite scores instead. Raises
    ``ValueError`` when neither can be fitted."""
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    sd = x.std(axis=0)
    varying = sd > 0
    z = (x[:, varying] - x[:, varying].mean(axis=0)) / sd[varying]
    design = np.column_stack([np.ones(len(x)), z])
    penalised = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            params = np.asarray(Logit(treated.astype(float), design).fit(disp=0, maxiter=200).params)
        except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError):
            penalised = True
            try:
                fitted = GLM(treated.astype(float), design, family=Binomial()).fit_regularized(alpha=0.1, L1_wt=0.0)
            except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError, ValueError) as error:
                raise ValueError(f"the propensity model could not be fitted: {error}") from error
            params = np.asarray(fitted.params)
    logits = design @ params
    if not np.all(np.isfinite(logits)):
        raise ValueError("the propensity model could not be fitted: the scores are not finite")
    return np.asarray(logits, dtype=float), penalised


def nearest_neighbour(treated: Sequence[float], comparison: Sequence[float], *, caliper: float) -> list[tuple[int, int]]:
    """Greedy 1:1 matching without replacement: (treated index, comparison index) pairs. Treated
    from the highest score down, ties by index; each takes the closest unused comparison within
    ``caliper`` (ties by index), or none."""
    order = sorted(range(len(treated)), key=lambda i: (-treated[i], i))
    pool = np.asarray(comparison, dtype=float)
    used = np.zeros(len(pool), dtype=bool)
    pairs = []
    for i in order:
        distance = np.abs(pool - treated[i])
        distance[used] = np.inf
        if len(distance) == 0:
            break
        j = int(np.argmin(distance))  # the first of equal distances: the lowest index
        if distance[j] <= caliper:
            used[j] = True
            pairs.append((i, j))
    return sorted(pairs)


def paired_difference(
    treated: Sequence[float] | np.ndarray, comparison: Sequence[float] | np.ndarray, *, confidence: float = CONFIDENCE
) -> Difference | None:
    """The mean of the pair differences with a paired t interval and two-sided p; None with fewer
    than two pairs."""
    t, c = np.asarray(treated, dtype=float), np.asarray(comparison, dtype=float)
    if len(t) != len(c):
        raise ValueError(f"paired samples need the same length, not {len(t)} and {len(c)}")
    n = len(t)
    if n < 2:
        return None
    d = t - c
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    se = sd / math.sqrt(n)
    if se == 0:
        lower = upper = mean
        p_value = 1.0 if mean == 0 else 0.0
    else:
        critical = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
        lower, upper = mean - critical * se, mean + critical * se
        p_value = float(2 * stats.t.sf(abs(mean / se), n - 1))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    needed = math.ceil((z * sd / mean) ** 2) if mean != 0 and sd > 0 and p_value > 1 - confidence else None
    return Difference(float(t.mean()), float(c.mean()), mean, lower, upper, p_value, n, needed)


def matched_comparison(subjects: Sequence[Subject], covariates: Sequence[str], *, caliper_sd: float = CALIPER_SD) -> Comparison:
    """Match the treated to the untreated and compare their proven reoffending (see the module)."""
    treated_idx = [i for i, s in enumerate(subjects) if s.treated]
    pool_idx = [i for i, s in enumerate(subjects) if not s.treated]
    x, labels = design_matrix(subjects, covariates)
    is_treated = np.array([s.treated for s in subjects], dtype=bool)
    note, pairs, caliper, penalised = "", [], None, False
    if treated_idx and pool_idx:
        try:
            logits, penalised = propensity_logits(x, is_treated)
            caliper = caliper_sd * float(logits.std())
            found = nearest_neighbour(list(logits[treated_idx]), list(logits[pool_idx]), caliper=caliper)
            pairs = [(treated_idx[i], pool_idx[j]) for i, j in found]
        except ValueError as error:
            note = str(error)
    else:
        note = "There is nobody to compare: the comparison needs both registered and screened people."
    balance = _balance(x, labels, treated_idx, pool_idx, pairs)
    outcomes = [(subjects[i], subjects[j]) for i, j in pairs]
    return Comparison(
        treated=len(treated_idx),
        pool=len(pool_idx),
        matched=len(pairs),
        unmatched_treated=len(treated_idx) - len(pairs),
        caliper=caliper,
        balance=balance,
        rate=paired_difference([float(t.reoffended) for t, _ in outcomes], [float(c.reoffended) for _, c in outcomes]),
        frequency=paired_difference([float(t.reoffences) for t, _ in outcomes], [float(c.reoffences) for _, c in outcomes]),
        pairs=tuple((subjects[i].key, subjects[j].key) for i, j in pairs),
        model_note=note,
        penalised=penalised,
    )


def _balance(
    x: np.ndarray, labels: Sequence[str], treated: Sequence[int], pool: Sequence[int], pairs: Sequence[tuple[int, int]]
) -> tuple[Balance, ...]:
    if not treated or not pool:
        return ()
    rows = []
    for k, label in enumerate(labels):
        t, c = x[treated, k], x[pool, k]
        scale = math.sqrt((t.var() + c.var()) / 2)
        after_t, after_c = x[[i for i, _ in pairs], k], x[[j for _, j in pairs], k]
        rows.append(
            Balance(
                covariate=label,
                treated_before=float(t.mean()),
                comparison_before=float(c.mean()),
                smd_before=standardised_difference(t, c),
                treated_after=float(after_t.mean()) if pairs else None,
                comparison_after=float(after_c.mean()) if pairs else None,
                smd_after=standardised_difference(after_t, after_c, scale=scale) if pairs else None,
            )
        )
    return tuple(rows)
