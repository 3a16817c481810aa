"""A dormant-organisation case: its record and timeline, and a form for each next step
the case's state allows (rules.allowed_next) that the signed-in officer may take.

Every step goes through CaseService.move; its refusals (409 for the state, 422 for the
clock or the record, 403 for the officer) come back as a message on the page, with the
form as it was typed.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from registry.accounts.rules import Action, Actor, may_act
from registry.deregistration import rules
from registry.deregistration.models import CertificateOutcome, DormantCase, Transition
from registry.deregistration.services import CaseService
from registry.errors import DomainError
from registry.extensions import db
from registry.web.workspace import bp, cases, current_actor
from registry.web.workspace_forms import DayField, attach
from registry.web.workspace_labels import CERTIFICATE, SIMPLIFIED_GROUND, TRANSITION

T = Transition

#: the permission each step needs; the others need Action.CASE_MOVE
STEP_ACTION = {
    T.APPROVE: Action.DECISION_APPROVE,
    T.REJECT: Action.DECISION_APPROVE,
    T.PUBLISH_NOTICE: Action.NOTICE_PUBLISH,
    T.ISSUE_PRIOR_NOTICE: Action.NOTICE_PUBLISH,
}
#: the fields each step's form shows after its day, as the API's transition names them
STEP_FIELDS: dict[Transition, tuple[str, ...]] = {
    T.REVIEW: ("note",),
    T.DISMISS: ("note",),
    T.CONTACT: ("document_kind", "document_number", "note"),
    T.PUBLISH_NOTICE: ("note",),
    T.RESTORE: ("note",),
    T.AWAIT_DECISION: ("note",),
    T.PROPOSE_DEREGISTRATION: ("simplified_ground", "no_assets_or_debts", "note"),
    T.ISSUE_PRIOR_NOTICE: ("note",),
    T.REQUEST_HEARING: ("note",),
    T.PROPOSE_REVOCATION: ("hearing_held_on", "note"),
    T.APPROVE: ("serve_by_notice", "basis", "note"),
    T.REJECT: ("note",),
    T.CLOSE: ("certificate", "note"),
}
#: steps that the service refuses without a reason
NOTE_REQUIRED = frozenset({T.DISMISS, T.RESTORE, T.REJECT})


class StepForm(FlaskForm):
    """One step of a case. Each step's form has its own prefix, so that the page's forms
    keep apart (ids, and the typed values of the one sent back)."""

    on = DayField(_l("日期"), validators=[Optional()])
    note = TextAreaField(validators=[Length(max=4000)])
    basis = TextAreaField(_l("依据（留空为该步骤的通常依据）"), validators=[Length(max=2000)])
    document_kind = StringField(_l("文书类别，如“挂号信回执”"), validators=[Length(max=50)])
    document_number = StringField(_l("文书编号"), validators=[Length(max=100)])
    simplified_ground = RadioField(
        _l("简易注销的理由"),
        choices=[SelectChoice(key, _l(text)) for key, text in SIMPLIFIED_GROUND.items()],
        validate_choice=False,
    )
    no_assets_or_debts = BooleanField(_l("未发现资产、债务"))
    hearing_held_on = DayField(_l("听证举行日期（已申请听证时填写）"), validators=[Optional()])
    certificate = RadioField(
        _l("登记证书、印章"),
        choices=[SelectChoice(c.value, _l(CERTIFICATE[c.value])) for c in CertificateOutcome],
        validate_choice=False,
    )
    serve_by_notice = BooleanField(_l("该组织无法联系，以公告方式送达决定"))

    def __init__(self, step: Transition, **kwargs: Any) -> None:
        super().__init__(prefix=step.value, **kwargs)
        self.step = step
        self.shown = STEP_FIELDS[step]
        required = step in NOTE_REQUIRED
        self.note.label.text = _("理由（必填）") if required else _("说明（选填）")

    def validate_note(self, field: TextAreaField) -> None:
        if self.step in NOTE_REQUIRED and not (field.data or "").strip():
            raise ValidationError(_("请写明理由。"))

    def validate_simplified_ground(self, field: RadioField) -> None:
        if self.step is T.PROPOSE_DEREGISTRATION and field.data not in SIMPLIFIED_GROUND:
            raise ValidationError(_("请选择简易注销的理由。"))

    def validate_certificate(self, field: RadioField) -> None:
        if self.step is T.CLOSE and field.data not in CERTIFICATE:
            raise ValidationError(_("请选择登记证书、印章的处理结果。"))

    def validate_document_number(self, field: StringField) -> None:
        if bool((self.document_kind.data or "").strip()) != bool((field.data or "").strip()):
            raise ValidationError(_("文书类别和编号须一并填写。"))

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments for the fields this step shows."""
        given: dict[str, Any] = {"note": self.note.data or None}
        if "basis" in self.shown:
            given["basis"] = (self.basis.data or "").strip() or None
        if "document_kind" in self.shown and (self.document_kind.data or "").strip():
            given["documents"] = [
                {"kind": self.document_kind.data, "number": self.document_number.data}
            ]
        if "simplified_ground" in self.shown:
            given["simplified_ground"] = self.simplified_ground.data
            given["no_assets_or_debts"] = self.no_assets_or_debts.data
        if "hearing_held_on" in self.shown:
            given["hearing_held_on"] = self.hearing_held_on.data
        if "certificate" in self.shown:
            given["certificate"] = self.certificate.data
        if "serve_by_notice" in self.shown:
            given["serve_by_notice"] = self.serve_by_notice.data
        return given


def offered_steps(actor: Actor, case: DormantCase) -> tuple[list[Transition], str | None]:
    """The steps the case's state allows that `actor` may take, and why an approval the
    state allows is not offered (the head who approves did not run the case)."""
    offered, held_back = [], None
    for name in rules.allowed_next(case.state):
        step = T(name)
        if not may_act(actor, STEP_ACTION.get(step, Action.CASE_MOVE), case.authority.code):
            continue
        if step is T.APPROVE:
            held_back = rules.approver_refusal(
                actor.officer_id, case.case_officer_id, case.proposed_by_id
            )
            if held_back:
                continue
        offered.append(step)
    return offered, held_back


def _page(
    service: CaseService,
    case: DormantCase,
    posted: StepForm | None = None,
    refused: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = current_actor()
    offered, held_back = offered_steps(actor, case)
    forms = [
        posted if posted is not None and posted.step is step else StepForm(step, formdata=None)
        for step in offered
    ]
    html = render_template(
        "workspace/case.html",
        case=case,
        forms=forms,
        posted=posted,
        allowed=rules.allowed_next(case.state),
        held_back=held_back,
        refused=refused,
        labels=TRANSITION,
        today=service.clock.today(),
    )
    return html, status


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@login_required
def case(case_id: int) -> Any:
    actor = current_actor()
    service = cases()
    record = service.read(actor, case_id)
    if request.method == "GET":
        return _page(service, record)
    try:
        step = T(request.form.get("step", ""))
    except ValueError:
        return _page(service, record, refused=_("未知的办理步骤。"), status=422)
    form = StepForm(step)
    if not form.validate():
        return _page(service, record, form, status=422)
    try:
        service.move(actor, case_id, step, form.on.data, **form.arguments())
    except DomainError as refusal:
        db.session.rollback()
        attach(form, refusal)
        record = service.read(actor, case_id)
        return _page(service, record, form, refusal.message, refusal.http_status)
    db.session.commit()
    flash(_("已办理：%(step)s。", step=_(TRANSITION[step][0])))
    return redirect(url_for("workspace.case", case_id=case_id))
