"""A gunicorn worker, once it has loaded the application, puts what it loaded out of the garbage
collector's sight (``post_worker_init`` in iomhub.config.gunicorn): a full collection then walks only
what requests made, not the whole of Django (docs/operations.md, "HTML pages: where the time went")."""

from __future__ import annotations

import gc
import importlib


def test_a_worker_freezes_what_it_loaded_before_serving():
    config = importlib.import_module("iomhub.config.gunicorn")
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        tracked_before = len(gc.get_objects())
        config.post_worker_init(object())
        assert gc.get_freeze_count() > 10_000  # Django, the apps and their views
        assert len(gc.get_objects()) < tracked_before / 2  # a full collection now walks far less
    finally:
        gc.unfreeze()
