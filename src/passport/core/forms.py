"""Django forms that render with GOV.UK Design System macros and speak its error style."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from passport.core.text import reject_markup


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes named `<field>-day`, `<field>-month`, `<field>-year`."""

    parts = ("day", "month", "year")

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value: dt.date | None) -> list[str | None]:
        if value:
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in self.parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in self.parts)


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, *, subject: str, past_only: bool = False, **kwargs: Any) -> None:
        self.subject = subject
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        day, month, year = value if isinstance(value, list | tuple) else ("", "", "")
        if not (day or month or year):
            return None
        missing = [
            name
            for name, part in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise ValidationError(f"{self.subject} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self.subject} must be a real date, like 27 3 2019")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{self.subject} must be a real date, like 27 3 2019") from exc

    def validate(self, value: dt.date | None) -> None:
        if value is None and self.required:
            raise ValidationError(f"Enter {self.subject[0].lower() + self.subject[1:]}")
        if value is not None and self.past_only and value > dt.date.today():
            raise ValidationError(f"{self.subject} must be today or in the past")

    def prepare_value(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple):
            return [str(part or "") for part in value]
        return ["", "", ""]


def text_field(
    subject: str, *, max_length: int, required: bool = True, long: bool = False, **kwargs: Any
) -> forms.CharField:
    """Return a text field whose errors name the subject and say how to fix them."""
    lower = subject[0].lower() + subject[1:]
    return forms.CharField(
        max_length=max_length,
        required=required,
        strip=True,
        widget=forms.Textarea if long else forms.TextInput,
        validators=[_no_markup(subject)],
        error_messages={
            "required": f"Enter {lower}",
            "max_length": f"{subject} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


def _no_markup(subject: str) -> Any:
    def validate(value: str) -> None:
        try:
            reject_markup(value)
        except ValidationError as exc:
            raise ValidationError(f"{subject} {exc.messages[0]}") from exc

    return validate


class GovukForm(forms.Form):
    """A form that gives templates what the GOV.UK macros need.

    Field ids are the field names, so the error summary can link straight to them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError against the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)

    def error_summary(self) -> list[dict[str, str]]:
        """Return the error summary list: each error links to its field."""
        items = []
        for name, errors in self.errors.items():
            for message in errors:
                if name == "__all__":
                    items.append({"text": str(message)})
                else:
                    href = (
                        f"#{name}-day"
                        if isinstance(self.fields[name], GovukDateField)
                        else f"#{name}"
                    )
                    if isinstance(
                        self.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple
                    ):
                        href = f"#{name}"
                    items.append({"text": str(message), "href": href})
        return items

    def error_for(self, name: str) -> dict[str, str] | None:
        """Return the errorMessage parameter for a field, or None."""
        errors = self.errors.get(name)
        return {"text": str(errors[0])} if errors else None

    def value_of(self, name: str) -> Any:
        """Return what the field shows: what the user typed, or the initial value."""
        bound = self[name]
        value = bound.value()
        return "" if value is None else value

    def kind_of(self, name: str) -> str:
        """Name the GOV.UK component that renders this field."""
        field = self.fields[name]
        widget = field.widget
        if isinstance(field, GovukDateField):
            return "date"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        # CheckboxSelectMultiple is a subclass of RadioSelect: ask about it first.
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.Select):
            return "select"
        if isinstance(widget, forms.PasswordInput):
            return "password"
        if isinstance(field, forms.EmailField):
            return "email"
        if isinstance(field, forms.IntegerField):
            return "number"
        return "text"

    def items_for(self, name: str, with_blank: bool = False) -> list[dict[str, Any]]:
        """Return radios, checkboxes or select items with the chosen ones marked."""
        field = self.fields[name]
        current = self.value_of(name)
        chosen = {str(v) for v in current} if isinstance(current, list | tuple) else {str(current)}
        mark = "selected" if with_blank else "checked"
        items = []
        for value, text in field.choices:  # type: ignore[attr-defined]
            if value == "" and not with_blank:
                continue
            item: dict[str, Any] = {"value": value, "text": text, mark: str(value) in chosen}
            hint = getattr(field, "choice_hints", {}).get(value)
            if hint:
                item["hint"] = {"text": hint}
            items.append(item)
        return items

    def date_items(self, name: str) -> list[dict[str, Any]]:
        """Return the three boxes of a date input, marked as in error if the field is."""
        day, month, year = self[name].field.prepare_value(self[name].value())
        error_class = " govuk-input--error" if self.errors.get(name) else ""
        return [
            {
                "name": "day",
                "label": "Day",
                "classes": "govuk-input--width-2" + error_class,
                "value": day,
            },
            {
                "name": "month",
                "label": "Month",
                "classes": "govuk-input--width-2" + error_class,
                "value": month,
            },
            {
                "name": "year",
                "label": "Year",
                "classes": "govuk-input--width-4" + error_class,
                "value": year,
            },
        ]


class FormTokenField(forms.Field):
    """A one-time token for a form that creates a record, sent back in a hidden input.

    Each drawing of the page gets a fresh token, so a second submit of the same page (a double
    click, a retry) carries the same one and the service can create the record only once.
    A token we never issued reads as none: the record is created as if the page had no token.
    """

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, initial=lambda: uuid.uuid4().hex)

    def to_python(self, value: Any) -> str:
        text = str(value or "").strip()
        return text if len(text) == 32 and all(c in "0123456789abcdef" for c in text) else ""


class SectionVersionField(forms.Field):
    """The version of the section or record a form was filled in from, sent back in a hidden input."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        # Missing means "not checked", like a request without If-Match to the API.
        super().__init__(required=False)

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        # A version we never issued matches nothing: the person sees the conflict page and can
        # choose, rather than an error message about an input they cannot see.
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 0
