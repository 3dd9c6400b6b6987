"""The casework models' names in the plural, as the admin and Django's messages write them:
Django adds an "s" by default, which is wrong for "entry"."""

from django.apps import apps

from iomhub.casework.models import TimelineEntry


def test_a_timeline_entry_in_the_plural_is_timeline_entries():
    assert TimelineEntry._meta.verbose_name_plural == "timeline entries"


def test_no_casework_model_has_a_plural_made_by_adding_s_to_y_or_s():
    wrong = [
        m._meta.verbose_name_plural
        for m in apps.get_app_config("casework").get_models()
        if str(m._meta.verbose_name_plural).endswith(("ys", "ss", "xs", "chs", "shs"))
        and not str(m._meta.verbose_name_plural).endswith(("ays", "eys", "oys"))
    ]
    assert wrong == []
