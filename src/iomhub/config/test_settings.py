"""Settings for the test suite: the base settings with IOMHUB_ENV=test (fast hashing, no outside calls)."""

import os

os.environ["IOMHUB_ENV"] = "test"
os.environ.setdefault("IOMHUB_DEMO", "1")

from iomhub.config.settings import *  # noqa: F403
