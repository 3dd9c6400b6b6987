"""Settings for the test suite: the base settings with IOMHUB_ENV=test (fast hashing, no outside calls)."""

import os
import tempfile

os.environ["IOMHUB_ENV"] = "test"
os.environ.setdefault("IOMHUB_DEMO", "1")
# Uploaded documents go to a directory of this run's own, never the developer's var/documents.
os.environ.setdefault("IOMHUB_DOCUMENTS_DIR", tempfile.mkdtemp(prefix="iomhub-test-documents-"))

from iomhub.config.settings import *  # noqa: F403
