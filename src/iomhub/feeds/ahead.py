"""An import's next batch read, checked and prepared while the current one is imported (issue 11:
throughput; ADR 0037).

The import's Python work and its database's work took turns on one core of two. A second thread
reads and checks the next batch of the file (``feeds.services``), and on PostgreSQL makes that
batch's read-only linkage reads on its own connection (``feeds.bulk.prefetch``), while the calling
thread imports the current batch; psycopg lets go of the interpreter while it waits on the
database. One batch ahead, never more: the thread starts the next batch only when the caller takes
the one it made (``read_ahead``), so it stops when the import stops.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from django.db import connections

__all__ = ["read_ahead"]

B = TypeVar("B")
R = TypeVar("R")

_STOP = object()
_END = object()
_FAILED = object()


def read_ahead(source: Iterator[B], work: Callable[[B, Any], R], token: Callable[[], Any]) -> Generator[R, None, None]:
    """``work(batch, t)`` for each batch of ``source``, in order, each made by a second thread while
    the caller handles the one before. ``t`` is ``token()``, asked in the caller's thread when the
    caller takes the batch before (so before it handles it): what the caller knew then. ``source``
    is read by that thread alone. The thread runs in a copy of the caller's context (what the caller
    sees of ``contextvars``); what it raises is raised here, in the caller, in order; its database
    connections are closed when it ends. Close the iterator (``contextlib.closing``) when done: the
    thread finishes the batch it is making and stops."""
    ready: queue.Queue[tuple[object, Any]] = queue.Queue(maxsize=1)
    asked: queue.Queue[Any] = queue.Queue()

    def produce() -> None:
        try:
            while True:
                given = asked.get()
                if given is _STOP:
                    return
                try:
                    batch = next(source)
                except StopIteration:
                    ready.put((_END, None))
                    return
                ready.put((None, work(batch, given)))
        except BaseException as exc:  # handed to the caller, raised there
            ready.put((_FAILED, exc))
        finally:
            connections.close_all()  # this thread's own connections

    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(produce,), name="feed-import-ahead", daemon=True)
    thread.start()
    try:
        asked.put(token())
        while True:
            kind, value = ready.get()
            if kind is _END:
                return
            if kind is _FAILED:
                raise value
            asked.put(token())  # the next batch, made while the caller handles this one
            yield value
    finally:
        asked.put(_STOP)
        thread.join()
