"""gunicorn's settings for ``make serve-production`` and the container (issue 13 §1).

Read from the environment so the same file serves a laptop smoke test and a container:
``IOMHUB_BIND`` (default 127.0.0.1:8000; a container binds 0.0.0.0:8000), ``WEB_CONCURRENCY``
(workers; default two per core plus one, at most 8), ``GUNICORN_TIMEOUT`` (seconds, default 60).
Only the proxies in ``IOMHUB_TRUSTED_PROXIES`` may set X-Forwarded-* (ADR 0012).
"""

import multiprocessing
import os

bind = os.environ.get("IOMHUB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(multiprocessing.cpu_count() * 2 + 1, 8))))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so they do not all restart at once).
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("IOMHUB_TRUSTED_PROXIES", "127.0.0.1") or "127.0.0.1"
accesslog = "-"
errorlog = "-"
# No request line is logged with its query string: a search for a name must not land in the logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Application code is loaded in each worker: a worker's database connections are its own.
preload_app = False


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded the application: import every view (the URLconf), then move
    everything alive now - Django, the apps, their modules - out of the garbage collector's sight
    (``gc.freeze``). Those objects live as long as the worker; without this, each full collection
    walked all ~240,000 of them, about 0.45 s on this machine once every ten or so dashboard
    requests, which was most of the pages' 95th percentile (docs/operations.md, "HTML pages: where
    the time went"). Objects made by requests are collected as before."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, before the freeze
    gc.collect()
    gc.freeze()
