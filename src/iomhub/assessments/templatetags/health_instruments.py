"""``{% marac_flag %}``: the case's MARAC link on the person's Summary (000 §6.6.2), for a reader
the health section is shared with; nothing at all for anyone else (a derived health fact)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from iomhub.assessments.selectors import marac_referral_shown

register = template.Library()


@register.simple_tag(takes_context=True)
def marac_flag(context: template.Context) -> SafeString | str:
    request, person = context.get("request"), context.get("person")
    if request is None or person is None:
        return ""
    referral = marac_referral_shown(request.user, person)
    if referral is None:
        return ""
    return render_to_string("assessments/_marac_flag.html", {"referral": referral, "person": person})
