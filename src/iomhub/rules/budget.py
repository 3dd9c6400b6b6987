"""The IOM budget template (seed 000 appendix 7, "IOM budget template"; §9 asks for "a quarterly
budget report (see Appendix 7)" under open-book accounting): its lines, and the checks on a filled
return, row by row. Pure Python.

The template's lines are the appendix's, in its order: income (contract value) and expenditure
(actual costs) under their headings. A heading with lines under it (total staff costs, other staff
costs, premises, administration, direct service provision, other) is the sum of its lines; a line
that "specify number of staff" asks for a whole number of staff, one that says "specify" asks for
words whenever it has an amount. Headings and totals are worked out from the lines, not read [the
appendix gives no rule for totals: inferred, ADR 0028].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from iomhub.rules.numbers import NotWhole, whole_number

PERIODS = ("Monthly", "Quarterly", "Biannual", "Annual")


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    section: str  # "income" or "expenditure"
    label: str
    group: str = ""  # the heading it adds up to
    staff: bool = False  # "specify number of staff"
    specify: bool = False  # "specify" / "please specify"


LINES: tuple[Line, ...] = (
    Line("hcc-a", "income", "Hampshire County Council: a)"),
    Line("hcc-b", "income", "Hampshire County Council: b)"),
    Line("own-funds", "income", "Own funds"),
    Line("partner-contributions", "income", "Partner contributions"),
    Line("management-staff", "expenditure", "Management staff: Service Manager & Supervisors", "staff", staff=True),
    Line("operational-staff", "expenditure", "Operational staff", "staff", staff=True),
    Line("administrative-staff", "expenditure", "Administrative staff", "staff", staff=True),
    Line("management-overhead", "expenditure", "Management Overhead: if applicable"),
    Line("recruitment", "expenditure", "Recruitment", "other-staff", staff=True),
    Line("training", "expenditure", "Training", "other-staff"),
    Line("travel", "expenditure", "Travel: including essential car user allowance", "other-staff"),
    Line("rent-rates", "expenditure", "Rent and rates: including service charges, water rates, council tax", "premises"),
    Line("refurbishment", "expenditure", "Refurbishment / Dilapidations / Maintenance", "premises"),
    Line("general-1", "expenditure", "General (1): Office Bills", "premises"),
    Line("telephone-it", "expenditure", "Telephone / Mobiles / IT", "administration"),
    Line("general-2", "expenditure", "General (2): Stationery / office equipment / other office costs", "administration"),
    Line("interventions", "expenditure", "Interventions", "direct", specify=True),
    Line("drug-testing", "expenditure", "Drug Testing", "direct"),
    Line("general-3", "expenditure", "General (3): areas of provision", "direct", specify=True),
    Line("insurances", "expenditure", "Insurances"),
    Line("promotion", "expenditure", "Promotion and Publicity"),
    Line("other", "expenditure", "Other", "other", specify=True),
    Line("staff-welfare", "expenditure", "Staff Welfare", "other"),
)
GROUPS = {
    "staff": "Total staff costs incl. salary, NI, pension and other direct costs",
    "other-staff": "Other staff costs",
    "premises": "Premises costs",
    "administration": "Administration costs (non-staff)",
    "direct": "Direct service provision costs",
    "other": "Other",
}
TOTALS = {"income": "Income Total", "expenditure": "Expenditure total"}
NOTES = (
    ("(1)", "Premises costs: general", "For example water, repairs, cleaning costs, Heat, Light & Power"),
    ("(2)", "Administration costs: general", "For example equipment, post, stationery, accreditation fees"),
    (
        "(3)",
        "Direct service provision costs: general",
        "For example literature costs, additional room or facilities hire, use of outside agencies for aftercare, other services for users",
    ),
)
BY_KEY = {line.key: line for line in LINES}
# The most a line may say (£): a return's totals are kept to 14 digits with pence (a £1 billion
# line on each of the 23 lines adds up to £23 billion, well within them), and a larger or longer
# number (1e300, 5000 digits) is refused naming its row, never carried into the sums.
MAX_AMOUNT = Decimal("1000000000.00")
MAX_STAFF = 9999


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class FilledLine:
    key: str
    amount: Decimal | None
    staff: int | None = None
    specify: str = ""


def parse_amount(value: object) -> Decimal | None:
    """Pounds: blank is none; a number (or text like "£1,234.50") of 0 or more with at most two
    decimal places. Raises ``ValueError`` with the reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"must be an amount in pounds, not {value!r}")
    text = str(value).strip().replace(",", "").removeprefix("£")
    try:
        if len(text) > 100:  # no amount is written so long (and Decimal would read 5000 digits)
            raise InvalidOperation
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be an amount in pounds, like 1250.00, not {str(value)[:40]!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"must be 0 or more, not {str(value)[:40]!r}")
    if amount > MAX_AMOUNT:
        raise ValueError(f"must be £{MAX_AMOUNT:,} or less, not {str(value)[:40]!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"must be in pounds and pence (two decimal places at most), not {str(value)[:40]!r}")
    return amount.quantize(Decimal("0.01"))


def parse_staff(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_STAFF:
        text = str(int(value))
    try:
        return whole_number(text, maximum=MAX_STAFF)
    except NotWhole:
        raise ValueError(f"must be a whole number of staff, not {text[:40]!r}") from None


def check_line(line: Line, row: int, amount: object, staff: object, specify: object) -> tuple[FilledLine | None, list[Problem]]:
    """One line of a return: the values read, or the problems (each naming row and column)."""
    problems: list[Problem] = []
    found_amount = found_staff = None
    try:
        found_amount = parse_amount(amount)
    except ValueError as error:
        problems.append(Problem(row, "Amount (£)", str(error)))
    if line.staff:
        try:
            found_staff = parse_staff(staff)
        except ValueError as error:
            problems.append(Problem(row, "Number of staff", str(error)))
    elif staff not in (None, ""):
        problems.append(Problem(row, "Number of staff", "is not asked for on this line; leave it blank"))
    words = "" if specify is None else str(specify).strip()
    if line.specify and found_amount and not words:
        problems.append(Problem(row, "Specify", "say what the amount is for"))
    if len(words) > 500:
        problems.append(Problem(row, "Specify", "must be 500 characters or fewer"))
    if problems:
        return None, problems
    return FilledLine(line.key, found_amount, found_staff, words), []


def totals(lines: Mapping[str, FilledLine]) -> dict[str, Decimal]:
    """Each heading's sum and the income and expenditure totals, from the lines read."""
    found: dict[str, Decimal] = {}
    for line in LINES:
        amount = lines[line.key].amount if line.key in lines else None
        value = amount or Decimal("0.00")
        if line.group:
            found[line.group] = found.get(line.group, Decimal("0.00")) + value
        found[line.section] = found.get(line.section, Decimal("0.00")) + value
    return found
