"""Every feed IOM Hub imports, by name (``models.Feed``): the command line and the upload pages
offer these and nothing else."""

from __future__ import annotations

from iomhub.feeds import arrests, courts, history, releases
from iomhub.feeds.spec import FeedSpec

FEEDS: dict[str, FeedSpec] = {spec.feed: spec for spec in (arrests.SPEC, releases.SPEC, courts.SPEC, history.SPEC)}


def spec_for(feed: str) -> FeedSpec:
    return FEEDS[feed]
