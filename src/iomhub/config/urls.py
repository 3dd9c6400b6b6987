from django.urls import URLPattern, URLResolver, include, path

from iomhub.casework import views as casework_views
from iomhub.operations import views as operations_views
from iomhub.people import urls as people_urls
from iomhub.shell import person_page
from iomhub.shell import views as shell_views

# The database going away answers a clean 503 (issue 13 §7b); anything else the ordinary 500.
handler500 = "iomhub.operations.views.server_error"

# The person page's Summary tab is the shell's (it gathers every app, ADR 0032); the rest of
# /people/ is the people app's, in the same ``people`` namespace.
person_routes: list[URLPattern | URLResolver] = [path("<int:person_id>/", person_page.summary, name="summary"), *people_urls.urlpatterns]

urlpatterns = [
    path("", shell_views.home, name="home"),
    path("health", shell_views.health, name="health"),
    path("ready", operations_views.ready, name="ready"),
    path("", include("iomhub.access.urls")),
    path("", include("iomhub.operations.urls")),
    # The health and substance-misuse instruments (issue 12 part 1), before the people's tab catch-all.
    path("people/<int:person_id>/health/", include("iomhub.assessments.urls")),
    # A person's agreement to appointment reminders by text (issue 11 §6)
    path("people/<int:person_id>/text-reminders/", include("iomhub.notifications.person_urls")),
    path("people/", include((person_routes, "people"))),
    path("referrals/", include("iomhub.referrals.urls")),
    path("cohort/", include("iomhub.cohort.urls")),
    path("meetings/", include("iomhub.meetings.urls")),
    path("feeds/", include("iomhub.feeds.urls")),
    path("notifications/", include("iomhub.notifications.urls")),
    path("reports/", include("iomhub.reporting.urls")),
    path("caseload/", casework_views.caseload, name="caseload"),
    path("api/v1/", include("iomhub.config.api_urls")),
]
