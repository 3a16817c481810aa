"""What the workspace's forms share: a date field that says what is wrong in the page's
language, and a service's refusal put next to the fields it names, in the page's language.

The services refuse in English (the API's words). Their messages are `Text`s (template and
values, registry/errors.py); on a Chinese page `say` looks the template up in the
`refusals` catalogue (translations/zh/LC_MESSAGES/refusals.po) and fills it with the
values, each value that is one of the register's words shown as its Chinese label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField

from registry.errors import Clauses, DomainError, Text
from registry.web.portal_labels import STATUS
from registry.web.workspace import ROLE_NAMES, bp
from registry.web.workspace_labels import (
    CASE_STATE,
    CONCLUSION,
    DOCUMENT_KIND,
    NEXT_STEP,
    REPORT_STATUS,
    TRANSITION,
)

#: the fields a refusal names by a value ({field}), as the services name them
FIELD = {
    "on": "日期",
    "published_on": "发布日期",
    "responded_on": "回应日期",
    "reasons": "原因",
    "review_notes": "审查意见",
    "order": "整改事项",
    "concluded_on": "年检结论日期",
    "deadline": "责令整改期限",
    "corrected_on": "整改完成日期",
}
_STEP_NAME = {step: name for step, (name, _what) in TRANSITION.items()}
_ROLE = {role: zh for role, (zh, _en) in ROLE_NAMES.items()}
#: a Text's value by its name in the template → the Chinese labels of the API's values
#: it may hold (a value not listed shows as it is: a code, a number, a day)
VOCABULARY: dict[str, Mapping[str, str]] = {
    "state": CASE_STATE,
    "transition": _STEP_NAME,
    "transitions": _STEP_NAME,
    "report_state": {**REPORT_STATUS, **CONCLUSION},
    "conclusion": CONCLUSION,
    "conclusions": CONCLUSION,
    # the refusal says "cannot order correction a report": the step with spaces
    "step": {step.replace("_", " "): name for step, name in NEXT_STEP.items()},
    "steps": NEXT_STEP,
    "kind": {
        "dormant": DOCUMENT_KIND["dormant"],
        "prior_notice": DOCUMENT_KIND["prior_notice"],
        "decision": DOCUMENT_KIND["decision_notice"],
    },
    "status": STATUS,
    "role": _ROLE,
    "roles": _ROLE,
    "field": FIELD,
}


class DayField(DateField):
    """A day as the browser's date input sends it (YYYY-MM-DD); blank is None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("请按“年-月-日”填写日期，例如 2026-06-15。"))) from None


@bp.app_template_filter("say")
def say(message: str) -> str:
    """A service's message in the page's language: a Text in Chinese when the page is
    Chinese and the catalogue has its template, else as it is (the English; and a page's
    own message, already in the page's language)."""
    if not isinstance(message, Text | Clauses):
        return message
    locale = get_locale()
    if locale is None or locale.language != "zh":
        return str(message)
    if isinstance(message, Clauses):
        return "；".join(say(part) for part in message.parts)
    chinese = gettext(message.template)
    if chinese == message.template:
        return str(message)
    try:
        return chinese.format(**{name: _value(name, v) for name, v in message.values.items()})
    except (KeyError, IndexError, ValueError):
        # a msgstr naming a value the template lacks: the English rather than no page
        return str(message)


def _value(name: str, value: Any) -> Any:
    """A Text's value in Chinese: said itself, a list's items with 、, a word of the
    register as its label."""
    if isinstance(value, Text | Clauses):
        return say(value)
    if isinstance(value, list | tuple):
        return "、".join(str(_value(name, item)) for item in value)
    labels = VOCABULARY.get(name)
    if labels is not None and isinstance(value, str) and value in labels:
        return labels[value]
    return value


def attach(form: FlaskForm, error: DomainError) -> bool:
    """Put the service's field errors (InvalidRecord's `errors`, by field name) next to the
    form's fields of those names, in the page's language; whether any found its field."""
    errors = error.details.get("errors")
    placed = False
    if isinstance(errors, dict):
        for name, message in errors.items():
            target = form._fields.get(name)
            if target is not None:
                said = say(message if isinstance(message, str) else str(message))
                target.errors = [*target.errors, said]
                placed = True
    return placed
