"""Give each schemathesis-generated test its own node id.

Under pytest 9, every test that ``schema.parametrize()`` generates gets the function's bare node id
(``test_schema.py::test_every_operation_answers_as_documented``) even though its name carries the
operation. pytest-xdist schedules by node id, so with ``-n`` (as ``make test`` runs) the duplicates
collapsed into one and all but one API operation went untested while the run still passed.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and not item.nodeid.endswith(f"[{label}]"):
            item._id = item._id.with_params(label)  # type: ignore[attr-defined]
