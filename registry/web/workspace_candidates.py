"""Dormant candidates in bulk: open cases for the selected candidates (CaseService.open),
and publish one public notice naming the organisations of the selected cases that are
being contacted (CaseService.publish_notice), as the officers' API does. All or none:
a refusal names the organisations or cases at fault, and the selection stays checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.accounts.rules import Action, Actor, may, may_act, read_prefix
from registry.deregistration.detection import candidate_rows
from registry.deregistration.models import CaseState, DormantCandidate, DormantCase, NoticeKind
from registry.errors import DomainError
from registry.extensions import db
from registry.organisations.models import OrganisationStatus
from registry.web.workspace import bp, cases, current_actor
from registry.web.workspace_forms import DayField, attach

#: candidates per page
PAGE = 100
#: cases being contacted listed for a notice, at most
CONTACTING = 1000


class OpenCasesForm(FlaskForm):
    usccs = SelectMultipleField(
        _l("选择的候选组织"),
        validate_choice=False,
        validators=[DataRequired(_l("请至少选择一个候选组织。"))],
    )
    on = DayField(_l("立案日期"), validators=[Optional()])
    note = TextAreaField(_l("说明（选填）"), validators=[Length(max=2000)])


class NoticeForm(FlaskForm):
    case_ids = SelectMultipleField(
        _l("选择的案件"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("请至少选择一个案件。"))],
    )
    published_on = DayField(_l("发布日期"), validators=[Optional()])
    days = IntegerField(
        _l("公告期（日）"),
        validators=[
            Optional(),
            NumberRange(1, 366, message=_l("公告期为1至366日。")),
        ],
    )
    title = StringField(_l("标题（留空为通常标题）"), validators=[Length(max=300)])
    note = TextAreaField(_l("说明（选填）"), validators=[Length(max=4000)])


def open_case_ids(rows: Sequence[DormantCandidate]) -> dict[int, int]:
    """organisation id → its open case's id, for the candidates listed (as the API shows
    `open_case_id`)."""
    if not rows:
        return {}
    found = db.session.execute(
        select(DormantCase.organisation_id, DormantCase.id).where(
            DormantCase.organisation_id.in_([row.organisation_id for row in rows]),
            DormantCase.closed_on.is_(None),
        )
    )
    return {organisation_id: case_id for organisation_id, case_id in found}


def selectable(actor: Actor, row: DormantCandidate, open_cases: dict[int, int]) -> bool:
    """Whether a case may be opened for the candidate by `actor`: its own authority's,
    active, with no open case."""
    return (
        row.organisation_id not in open_cases
        and row.organisation.status is OrganisationStatus.ACTIVE
        and may_act(actor, Action.CASE_OPEN, row.authority.code)
    )


def _page(
    open_form: OpenCasesForm,
    notice_form: NoticeForm,
    refused: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = current_actor()
    service = cases()
    after = request.args.get("after", type=int) or 0
    rows = candidate_rows(
        db.session,
        authority_prefix=read_prefix(actor.authority_code or ""),
        criterion=None,
        after_id=after,
        limit=PAGE + 1,
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    open_cases = open_case_ids(rows)
    contacting = [
        case
        for case in service.cases(
            actor, state=CaseState.CONTACTING, open_only=True, limit=CONTACTING
        )
        if may_act(actor, Action.NOTICE_PUBLISH, case.authority.code)
    ]
    html = render_template(
        "workspace/candidates.html",
        rows=rows,
        open_cases=open_cases,
        selectable={row.organisation_id for row in rows if selectable(actor, row, open_cases)},
        next_after=rows[-1].organisation_id if more else None,
        contacting=contacting,
        open_form=open_form,
        notice_form=notice_form,
        picked_usccs=set(open_form.usccs.data or ()),
        picked_cases=set(notice_form.case_ids.data or ()),
        refused=refused,
        may_open=may(actor.role, Action.CASE_OPEN),
        notice_days=service.rules.notice_days,
        today=service.clock.today(),
    )
    return html, status


def _forms(posted: str | None = None) -> tuple[OpenCasesForm, NoticeForm]:
    """Both forms of the page; only the one `posted` reads the request."""
    return (
        OpenCasesForm(prefix="open", formdata=None if posted != "open" else request.form),
        NoticeForm(prefix="notice", formdata=None if posted != "notice" else request.form),
    )


@bp.get("/candidates")
@login_required
def candidates() -> Any:
    return _page(*_forms())


@bp.post("/candidates")
@login_required
def open_cases() -> Any:
    open_form, notice_form = _forms("open")
    if not open_form.validate():
        return _page(open_form, notice_form, status=422)
    try:
        opened = cases().open(
            current_actor(), open_form.usccs.data, open_form.on.data, open_form.note.data or None
        )
    except DomainError as refusal:
        db.session.rollback()
        attach(open_form, refusal)
        return _page(open_form, notice_form, refusal.message, refusal.http_status)
    db.session.commit()
    links = Markup("、").join(
        Markup('<a href="{}">{}</a>').format(
            url_for("workspace.case", case_id=case.id), _("案件 %(id)s", id=case.id)
        )
        for case in opened
    )
    flash(Markup(escape(_("已立案 %(n)s 件：", n=len(opened)))) + links)
    return redirect(url_for("workspace.candidates"))


@bp.post("/notices")
@login_required
def publish_notice() -> Any:
    open_form, notice_form = _forms("notice")
    if not notice_form.validate():
        return _page(open_form, notice_form, status=422)
    try:
        notice = cases().publish_notice(
            current_actor(),
            NoticeKind.DORMANT,
            notice_form.case_ids.data,
            notice_form.published_on.data,
            days=notice_form.days.data,
            title=notice_form.title.data or None,
            note=notice_form.note.data or None,
        )
    except DomainError as refusal:
        db.session.rollback()
        attach(notice_form, refusal)
        return _page(open_form, notice_form, refusal.message, refusal.http_status)
    db.session.commit()
    link = Markup('<a href="{}">{}</a>').format(
        url_for("documents.notice", notice_id=notice.id), notice.number
    )
    flash(Markup(escape(_("已发布公告，列明 %(n)s 个社会组织：", n=len(notice.listings)))) + link)
    return redirect(url_for("workspace.candidates"))
