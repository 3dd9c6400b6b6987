"""GOV.UK Design System forms through Django's own form rendering (no extra library).

Django renders every form and field through the templates named here, so any form in the service
gets GOV.UK labels, hints, inline error messages and error summaries without per-page markup.
``GovukDateField`` is the three-box date input, with the GOV.UK error messages for impossible dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest

from iomhub import clock


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    template_name = "web/forms/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        """Give each box the id its name has (``id_dob_day``), so error-summary links reach it."""
        context: dict[str, Any] = super().get_context(name, value, attrs)
        base = (attrs or {}).get("id") or self.attrs.get("id")
        if base:
            for suffix, subwidget in zip(("day", "month", "year"), context["widget"]["subwidgets"], strict=True):
                subwidget["attrs"]["id"] = f"{base}_{suffix}"
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, *, label: str, past: bool = False, **kwargs: Any) -> None:
        self.past = past
        self.label_text = label.removesuffix(" (optional)")  # the messages name the field, not its hint
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, label=label, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(p).strip() if p is not None else "" for p in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {self.label_text.lower()}", code="required")
            return None
        names = ["day", "month", "year"]
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            raise ValidationError(f"{self.label_text} must include a {' and '.join(missing)}", code="incomplete")
        if not all(p.isascii() and p.isdigit() for p in parts) or len(parts[2]) != 4:  # "²" and "٣" are no digits
            raise ValidationError(f"{self.label_text} must be a real date", code="invalid")
        try:
            result = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):  # OverflowError: a day or month too big for a C int
            raise ValidationError(f"{self.label_text} must be a real date", code="invalid") from None
        if result.year < 1900:
            raise ValidationError(f"{self.label_text} must be after 1900", code="invalid")
        if self.past and result >= clock.today():
            raise ValidationError(f"{self.label_text} must be in the past", code="invalid")
        return result

    def compress(self, data_list: list[Any]) -> Any:  # clean() above does the work
        return data_list


_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
}


def _govuk_messages(field: forms.Field) -> None:
    """GOV.UK error messages that name the field ("Enter your postcode", "Postcode must be 10
    characters or fewer", "Months must be a whole number", "Months must be 36 or less"), never
    Django's own, which name nothing ("Enter a whole number.", "Null characters are not allowed.")."""
    label = str(field.label or "This field")
    if not label.lower().endswith("(optional)"):
        verb = "Select" if isinstance(field.widget, forms.RadioSelect | forms.Select) else "Enter"
        field.error_messages["required"] = f"{verb} {label[0].lower()}{label[1:]}"
    bare = label.removesuffix(" (optional)")
    # Only Django's own messages are replaced: a form that words its own keeps them.
    if (
        isinstance(field, forms.IntegerField)
        and field.error_messages.get("invalid") == forms.IntegerField.default_error_messages["invalid"]
    ):
        field.error_messages["invalid"] = f"{bare} must be a whole number"
    for i, validator in enumerate(field.validators):
        if isinstance(validator, MaxValueValidator) and validator.message == MaxValueValidator.message:
            field.validators[i] = MaxValueValidator(validator.limit_value, message=f"{bare} must be {validator.limit_value} or less")
        elif isinstance(validator, MinValueValidator) and validator.message == MinValueValidator.message:
            field.validators[i] = MinValueValidator(validator.limit_value, message=f"{bare} must be {validator.limit_value} or more")
        elif isinstance(validator, ProhibitNullCharactersValidator) and validator.message == ProhibitNullCharactersValidator.message:
            field.validators[i] = ProhibitNullCharactersValidator(message=f"{bare} contains a null character, which is not allowed")
        elif isinstance(validator, MaxLengthValidator):
            field.validators[i] = MaxLengthValidator(
                validator.limit_value, message=f"{bare} must be {validator.limit_value} characters or fewer"
            )
        elif isinstance(validator, MinLengthValidator):
            field.validators[i] = MinLengthValidator(
                validator.limit_value, message=f"{bare} must be {validator.limit_value} characters or more"
            )


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and point screen readers at hints and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            _govuk_messages(field)
            widget = field.widget
            for widget_type, css in _WIDGET_CLASSES.items():
                if type(widget) is widget_type:
                    widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [d for d in (widget.attrs.get("aria-describedby", ""), f"id_{name}-error") if d]
                widget.attrs["aria-describedby"] = " ".join(described)
                if not isinstance(widget, GovukDateWidget):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " govuk-input--error"


def apply_errors(form: Any, exc: ValidationError, *, aliases: Mapping[str, str] | None = None) -> None:
    """A service's ValidationError onto the form: by field where the form has it (``aliases`` maps a
    service field to a form field), else on the whole form, so the GOV.UK error summary names it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = (aliases or {}).get(name, name)
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def saved(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], object], done: str) -> bool:
    """The POST half of a form page: with a valid form, call ``save`` (a service) with the cleaned
    data; its errors go onto the form and nothing is saved; on success flash ``done``. True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, done)
    return True
