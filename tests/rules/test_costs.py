"""Unit costs of crime (Home Office RR99, 2015/16 prices; instruments.md §4)."""

import pytest

from iomhub.rules.costs import CostTable, unit_cost


@pytest.mark.parametrize(
    "category, pounds", [("robbery", 11320), ("theft-of-vehicle", 10290), ("theft-from-vehicle", 870), ("violence-with-injury", 14050)]
)
def test_verified_unit_costs(category, pounds):
    cost = unit_cost(category)
    assert (cost.pounds, cost.known, cost.price_year) == (pounds, True, "2015/16")
    assert "RR99" in cost.source


@pytest.mark.parametrize("category", ["domestic-burglary", "theft-from-person", "homicide"])
def test_rows_that_could_not_be_verified_are_unknown_not_guessed(category):
    cost = unit_cost(category)
    assert (cost.pounds, cost.known) == (None, False)


def test_unknown_category_is_refused():
    with pytest.raises(ValueError, match="unknown cost-of-crime category 'jaywalking'"):
        unit_cost("jaywalking")


def test_cost_of_offending_lists_what_it_could_not_price():
    result = CostTable.default().cost_of({"robbery": 2, "theft-from-vehicle": 3, "domestic-burglary": 4})
    assert (result.total_pounds, result.counted, result.unknown_categories) == (2 * 11320 + 3 * 870, 5, ("domestic-burglary",))


def test_a_deployment_can_load_its_own_table(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("category,label,unit_cost_gbp,status,source\ndomestic-burglary,Domestic burglary,5930,verified,local table\n")
    assert CostTable.from_csv(path).unit_cost("domestic-burglary").pounds == 5930


@pytest.mark.parametrize(
    "csv_text, message",
    [
        ("category,unit_cost_gbp\n,5\n", "row 2: category is empty"),
        ("category,unit_cost_gbp\nx,5\nx,6\n", "row 3: category 'x' appears twice"),
        ("category,unit_cost_gbp\nx,five\n", "row 2: unit_cost_gbp 'five' is not a whole number"),
    ],
)
def test_a_bad_table_is_refused_naming_the_row(tmp_path, csv_text, message):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text)
    with pytest.raises(ValueError, match=message):
        CostTable.from_csv(path)
