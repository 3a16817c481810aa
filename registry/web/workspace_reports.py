"""Reviewing an annual report: its contents in full, and the form that concludes its
inspection (InspectionService.conclude: pass, basic pass or fail with reasons)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from registry.accounts.rules import Action, may_act
from registry.errors import DomainError
from registry.extensions import db
from registry.inspections.contents import contents_of
from registry.inspections.models import AnnualReport, Conclusion
from registry.inspections.rules import needs_reasons
from registry.inspections.services import InspectionService
from registry.web.workspace import FIELDS, bp, current_actor, inspections, label
from registry.web.workspace_forms import DayField, attach
from registry.web.workspace_labels import CONCLUSION

_CHOICES = [c.value for c in Conclusion]


class ConclusionForm(FlaskForm):
    conclusion = RadioField(
        choices=[SelectChoice(value, _l(CONCLUSION[value])) for value in _CHOICES],
        validate_choice=False,
        validators=[
            InputRequired(_l("请选择年检结论。")),
            AnyOf(_CHOICES, message=_l("请选择年检结论。")),
        ],
    )
    reasons = TextAreaField(validators=[Length(max=4000)])
    concluded_on = DayField(validators=[Optional()])
    review_notes = TextAreaField(_l("审查意见（仅供内部，不公开）"), validators=[Length(max=4000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The API's field names, labelled as the API describes them.
        specs = FIELDS["inspection"]
        self.conclusion.label.text = label(specs["conclusion"])
        self.reasons.label.text = label(specs["conclusion_reasons"])
        self.concluded_on.label.text = label(specs["concluded_on"])

    def validate_reasons(self, field: TextAreaField) -> None:
        chosen = self.conclusion.data
        if chosen in _CHOICES and needs_reasons(chosen) and not (field.data or "").strip():
            raise ValidationError(_("基本合格、不合格须写明原因，原因将公开。"))


def _page(
    service: InspectionService,
    report: AnnualReport,
    form: ConclusionForm,
    refused: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = current_actor()
    may_conclude = "conclude" in service.next_steps(report) and may_act(
        actor, Action.REPORT_CONCLUDE, report.organisation.authority.code
    )
    html = render_template(
        "workspace/report.html",
        report=report,
        contents=contents_of(report),
        due_on=service.due_on(report),
        late=service.is_late(report),
        next_steps=service.next_steps(report),
        form=form,
        may_conclude=may_conclude,
        refused=refused,
    )
    return html, status


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(report_id: int) -> Any:
    actor = current_actor()
    service = inspections()
    record = service.read(actor, report_id)
    form = ConclusionForm()
    if request.method == "GET":
        return _page(service, record, form)
    if not form.validate():
        return _page(service, record, form, status=422)
    try:
        service.conclude(
            actor,
            report_id,
            form.conclusion.data,
            form.reasons.data,
            form.concluded_on.data,
            review_notes=form.review_notes.data,
        )
    except DomainError as refusal:
        db.session.rollback()
        attach(form, refusal)
        record = service.read(actor, report_id)
        return _page(service, record, form, refusal.message, refusal.http_status)
    db.session.commit()
    flash(
        _(
            "已作出%(year)s年度年检结论：%(conclusion)s。",
            year=record.year,
            conclusion=_(CONCLUSION[form.conclusion.data]),
        )
    )
    response: Response = redirect(url_for("workspace.report", report_id=report_id))
    return response
