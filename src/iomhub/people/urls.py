from django.urls import URLPattern, URLResolver, include, path

from iomhub.people import merge_views, views

app_name = "people"
# The Summary tab (``people:summary``) gathers every app's sections, so the shell composes it above
# them all: ``iomhub.config.urls`` adds it to these routes (ADR 0032).
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:person_id>/edit/", views.edit, name="edit"),
    path("<int:person_id>/aliases/new/", views.child_new, {"kind": "aliases"}, name="alias-new"),
    path("<int:person_id>/addresses/new/", views.child_new, {"kind": "addresses"}, name="address-new"),
    path("<int:person_id>/phones/new/", views.child_new, {"kind": "phones"}, name="phone-new"),
    path("<int:person_id>/markers/new/", views.child_new, {"kind": "markers"}, name="marker-new"),
    path("<int:person_id>/export.json", views.export, name="export"),
    path("<int:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("<int:person_id>/merge/", merge_views.merge, name="merge"),
    path("<int:person_id>/merges/", merge_views.merges, name="merges"),
    path("<int:person_id>/justice/", include("iomhub.justice.urls")),  # the Justice tab (issue 4)
    path("<int:person_id>/interventions/", include("iomhub.interventions.urls")),  # drug tests, DRR and ATR (issue 12)
    path("<int:person_id>/documents/", include("iomhub.documents.urls")),  # the Documents tab (issue 12 §7)
    path("<int:person_id>/", include("iomhub.casework.urls")),  # Timeline, Plan, Assessments tabs (issue 6)
    path("<int:person_id>/<slug:tab>/", views.tab, name="tab"),
]
