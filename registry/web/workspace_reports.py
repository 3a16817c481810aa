"""Reviewing an annual report: its contents in full, the form that concludes its
inspection (InspectionService.conclude: pass, basic pass or fail with reasons), and after
a basic pass or a fail the correction: the order with its deadline
(InspectionService.order_correction) and later the day it was met (record_correction).

The page shows only the forms the report's next steps allow and the officer may use;
each form posts to its own address and comes back with what was typed when refused.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from registry.accounts.rules import Action, Actor, may_act
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


class CorrectionOrderForm(FlaskForm):
    """责令整改: what must be corrected, and by when (the service's `order`, `deadline`)."""

    order = TextAreaField(
        _l("整改事项"),
        validators=[DataRequired(_l("请写明须整改的事项。")), Length(max=4000)],
    )
    deadline = DayField(validators=[InputRequired(_l("请填写整改期限。"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="order", **kwargs)
        self.deadline.label.text = label(FIELDS["inspection"]["correction_deadline"])


class CorrectionForm(FlaskForm):
    """The day the organisation met the order (the service's `corrected_on`)."""

    corrected_on = DayField(validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="corrected", **kwargs)
        self.corrected_on.label.text = label(FIELDS["inspection"]["corrected_on"])


#: each next step's form, and the permission its service method checks
STEP_FORMS: dict[str, tuple[type[FlaskForm], Action]] = {
    "conclude": (ConclusionForm, Action.REPORT_CONCLUDE),
    "order_correction": (CorrectionOrderForm, Action.REPORT_ORDER_CORRECTION),
    "record_correction": (CorrectionForm, Action.REPORT_RECORD_CORRECTION),
}


def _page(
    service: InspectionService,
    report: AnnualReport,
    posted: FlaskForm | None = None,
    refused: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The report with a form for each next step the officer may take; the one `posted`
    keeps what was typed, the others are blank."""
    actor = current_actor()
    code = report.organisation.authority.code
    next_steps = service.next_steps(report)
    posted_step = next(
        (step for step, (form_class, _a) in STEP_FORMS.items() if isinstance(posted, form_class)),
        None,
    )
    forms: dict[str, FlaskForm] = {}
    for step in next_steps:
        form_class, action = STEP_FORMS[step]
        if may_act(actor, action, code):
            kept = posted if step == posted_step else None
            forms[step] = kept if kept is not None else form_class(formdata=None)
    html = render_template(
        "workspace/report.html",
        report=report,
        contents=contents_of(report),
        due_on=service.due_on(report),
        late=service.is_late(report),
        next_steps=next_steps,
        forms=forms,
        form=forms.get("conclude"),
        may_conclude="conclude" in forms,
        correction_overdue=service.is_correction_overdue(report),
        today=service.clock.today(),
        posted_step=posted_step,
        refused=refused,
    )
    return html, status


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(report_id: int) -> Any:
    actor = current_actor()
    service = inspections()
    record = service.read(actor, report_id)
    if request.method == "GET":
        return _page(service, record)
    form = ConclusionForm()
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
        return _refused(service, actor, report_id, form, refusal)
    db.session.commit()
    flash(
        _(
            "已作出%(year)s年度年检结论：%(conclusion)s。",
            year=record.year,
            conclusion=_(CONCLUSION[form.conclusion.data]),
        )
    )
    return _back(report_id)


@bp.post("/reports/<int:report_id>/correction-order")
@login_required
def order_correction(report_id: int) -> Any:
    actor = current_actor()
    service = inspections()
    record = service.read(actor, report_id)
    form = CorrectionOrderForm()
    if not form.validate():
        return _page(service, record, form, status=422)
    try:
        service.order_correction(actor, report_id, form.order.data or "", form.deadline.data)
    except DomainError as refusal:
        return _refused(service, actor, report_id, form, refusal)
    db.session.commit()
    flash(_("已责令整改，整改期限：%(day)s。", day=form.deadline.data.isoformat()))
    return _back(report_id)


@bp.post("/reports/<int:report_id>/correction")
@login_required
def record_correction(report_id: int) -> Any:
    actor = current_actor()
    service = inspections()
    record = service.read(actor, report_id)
    form = CorrectionForm()
    if not form.validate():
        return _page(service, record, form, status=422)
    corrected_on = form.corrected_on.data or service.clock.today()
    try:
        service.record_correction(actor, report_id, corrected_on)
    except DomainError as refusal:
        return _refused(service, actor, report_id, form, refusal)
    db.session.commit()
    flash(_("已记录整改完成：%(day)s。", day=corrected_on.isoformat()))
    return _back(report_id)


def _refused(
    service: InspectionService,
    actor: Actor,
    report_id: int,
    form: FlaskForm,
    refusal: DomainError,
) -> tuple[str, int]:
    """The service said no: nothing is kept, the page says why next to the form as typed."""
    db.session.rollback()
    attach(form, refusal)
    record = service.read(actor, report_id)
    return _page(service, record, form, refusal.message, refusal.http_status)


def _back(report_id: int) -> Response:
    response: Response = redirect(url_for("workspace.report", report_id=report_id))
    return response
