"""What the workspace's forms share: a date field that says what is wrong in the page's
language, and a service's refusal put next to the fields it names."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField

from registry.errors import DomainError


class DayField(DateField):
    """A day as the browser's date input sends it (YYYY-MM-DD); blank is None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("请按“年-月-日”填写日期，例如 2026-06-15。"))) from None


def attach(form: FlaskForm, error: DomainError) -> bool:
    """Put the service's field errors (InvalidRecord's `errors`, by field name) next to the
    form's fields of those names; whether any found its field."""
    errors = error.details.get("errors")
    placed = False
    if isinstance(errors, dict):
        for name, message in errors.items():
            target = form._fields.get(name)
            if target is not None:
                target.errors = [*target.errors, str(message)]
                placed = True
    return placed
