"""The pages that manage user accounts (``access.accounts``; ADR 0045): add a user, see one, change
their details and roles, disable a leaver and enable them again. Thin: parse, call the service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access import accounts, holdings
from iomhub.access.http import AuthedRequest
from iomhub.access.middleware import has_confirmed_device
from iomhub.access.models import Organisation, Role, Team, User
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.web.forms import GovukForm, saved


class AccountForm(GovukForm):
    username = forms.CharField(
        label="Username",
        help_text="What they sign in with: letters, digits and . _ @ - only. It cannot be changed later.",
        max_length=150,
        required=False,  # the service names every problem at once
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.CharField(label="E-mail address", help_text="Alerts and meeting packs are sent here", max_length=254, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.filter(active=True).order_by("name"), required=False, empty_label="Select"
    )
    team = forms.ModelChoiceField(
        label="Local IOM team (optional)",
        help_text="The team whose caseload and meetings they work on",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="None",
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        help_text="What they may do. Only a system administrator may grant the system administrator or information governance lead role.",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["username"]


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=accounts.REASON_LIMIT)

    def __init__(self, *args: Any, hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = hint


@guarded(Action.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_add(request: AuthedRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, new=True)
    made: list[User] = []

    def save(data: dict[str, Any]) -> object:
        made.append(accounts.user_create(acting_user=request.user, **data))
        return made[-1]

    if saved(request, form, save, "Account added. Issue a set-up link so they can choose a password and set up their authenticator app."):
        return redirect("access:user", user_id=made[0].pk)
    return render(request, "web/form_page.html", {"form": form, "title": "Add a user", "back": "/users/"})


@guarded(Action.USER_MANAGE)
@require_http_methods(["GET"])
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    user = accounts.account_get(acting_user=request.user, user_id=user_id)
    context = {
        "account": user,
        "is_self": user.pk == request.user.pk,
        "authenticator": has_confirmed_device(user),
        "tokens": user.api_tokens.filter(revoked_at__isnull=True).count(),
        "held": holdings.held_by(user.pk),
        "may_enrol": can(request.user, Action.USER_ENROL),
    }
    return render(request, "access/user.html", context)


@guarded(Action.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_change(request: AuthedRequest, user_id: int) -> HttpResponse:
    user = accounts.account_get(acting_user=request.user, user_id=user_id)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id,
        "team": user.team_id,
        "roles": sorted(user.role_codes),
    }
    form = AccountForm(request.POST or None, initial=initial, new=False)

    def save(data: dict[str, Any]) -> object:
        return accounts.user_change(acting_user=request.user, user=user, **data)

    if saved(request, form, save, f"Account {user.username} changed"):
        return redirect("access:user", user_id=user.pk)
    return render(
        request, "web/form_page.html", {"form": form, "title": "Change account", "caption": user.username, "back": f"/users/{user.pk}/"}
    )


@guarded(Action.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_sign_in_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Clear a password and authenticator apps (forgotten, lost), then issue a new set-up link."""
    user = accounts.account_get(acting_user=request.user, user_id=user_id)
    form = ReasonForm(request.POST or None, hint="For example: lost their phone on 3 December 2026")

    def save(data: dict[str, Any]) -> object:
        return accounts.user_sign_in_reset(acting_user=request.user, user=user, reason=data["reason"])

    if saved(request, form, save, f"Sign-in of {user.username} reset. Issue a set-up link so they can set it up again."):
        return redirect("access:user", user_id=user.pk)
    return _step_page(
        request, "access/user_sign_in_reset.html", user, form, title="Reset the sign-in of", button="Reset sign-in", warning=True
    )


@guarded(Action.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_status(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Disable an active account (a leaver) or enable a disabled one, with the reason."""
    user = accounts.account_get(acting_user=request.user, user_id=user_id)
    disabling = user.is_active
    hint = "For example: left the organisation on 30 November 2026" if disabling else "For example: back from leave"
    form = ReasonForm(request.POST or None, hint=hint)

    def save(data: dict[str, Any]) -> object:
        step = accounts.user_disable if disabling else accounts.user_enable
        return step(acting_user=request.user, user=user, reason=data["reason"])

    done = f"Account {user.username} disabled" if disabling else f"Account {user.username} enabled"
    if saved(request, form, save, done):
        return redirect("access:user", user_id=user.pk)
    return _step_page(
        request,
        "access/user_status.html",
        user,
        form,
        title=f"{'Disable' if disabling else 'Enable'} the account",
        button="Disable account" if disabling else "Enable account",
        warning=disabling,
        disabling=disabling,
        held=holdings.held_by(user.pk) if disabling else [],
    )


def _step_page(
    request: AuthedRequest, template: str, user: User, form: forms.Form, *, title: str, button: str, **extra: Any
) -> HttpResponse:
    """A step on someone's account (web/form_page.html): the title names the account, the caption
    its holder, and Back returns to the account's page."""
    context = {
        "form": form,
        "title": f"{title} {user.username}",
        "caption": user.get_full_name() or user.username,
        "back": f"/users/{user.pk}/",
        "button": button,
        **extra,
    }
    return render(request, template, context)
