"""Field-level encryption of special-category data at rest (issue 13 §5, ADR 0039).

``keys`` encrypts and decrypts one value with the keys from the environment (``IOMHUB_FIELD_KEY``,
``IOMHUB_FIELD_PREVIOUS_KEYS``), ``fields`` is the model field that does it on every save and load,
``rotation`` re-encrypts stored values under the newest key in resumable batches (the
``rotate_keys`` command and the migrations that encrypted the existing rows). Nothing here imports
another part of IOM Hub.
"""
