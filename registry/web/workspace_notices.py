"""The public notices of the officer's jurisdiction: a list, newest first, and a page per
notice with the organisations it names, their cases and whether each came forward; while
the notice runs, a form records an organisation's response (CaseService.record_response).

A notice is read by the officers of its authority and of those above it; a response is
recorded by an officer of its own authority (the service checks both).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry import context
from registry.accounts.rules import Action, Actor, authorize_read, may_act, read_prefix
from registry.authorities.models import RegistrationAuthority as RA
from registry.deregistration.models import DormantCase, NoticeKind, NoticeListing, PublicNotice
from registry.deregistration.services import CaseService
from registry.errors import DomainError, NotFound, Text
from registry.extensions import db
from registry.web.workspace import bp, cases, current_actor
from registry.web.workspace_forms import DayField, attach
from registry.web.workspace_paging import LARGEST_ID, after_day_id, day_id, page_of

#: notices per page of the list
PAGE = 50
#: each kind of notice, by the key its label has in workspace_labels.DOCUMENT_KIND
KIND_LABEL = {
    NoticeKind.DORMANT: "dormant",
    NoticeKind.PRIOR_NOTICE: "prior_notice",
    NoticeKind.DECISION: "decision_notice",
}


class ResponseForm(FlaskForm):
    """An organisation named in the notice came forward (the service's arguments)."""

    uscc = SelectField(
        _l("作出回应的社会组织"),
        validate_choice=False,
        validators=[DataRequired(_l("请选择作出回应的社会组织。"))],
    )
    responded_on = DayField(_l("回应日期"), validators=[Optional()])
    response = TextAreaField(
        _l("回应内容（仅供内部，不公开）"),
        validators=[
            DataRequired(_l("请写明该组织的陈述或提交的材料。")),
            Length(max=4000),
        ],
    )


def jurisdiction_notices(
    actor: Actor, after: tuple[date, int] | None, limit: int
) -> list[PublicNotice]:
    """The notices of the actor's authority and those below it, newest first (by the day
    of publication, then the latest recorded), after the cursor's notice."""
    N = PublicNotice
    query = (
        select(N)
        .join(RA, RA.id == N.authority_id)
        .order_by(N.published_on.desc(), N.id.desc())
        .limit(limit)
    )
    prefix = "" if actor.is_system else read_prefix(actor.authority_code or "")
    if prefix:
        query = query.where(RA.code.startswith(prefix, autoescape=True))
    if after is not None:
        day, last = after
        query = query.where((N.published_on < day) | ((N.published_on == day) & (N.id < last)))
    return list(db.session.scalars(query).unique())


def listing_counts(notice_ids: list[int]) -> dict[int, tuple[int, int]]:
    """notice id → (organisations named, of them those that responded)."""
    if not notice_ids:
        return {}
    rows = db.session.execute(
        select(
            NoticeListing.notice_id,
            func.count(NoticeListing.id),
            func.count(NoticeListing.responded_on),
        )
        .where(NoticeListing.notice_id.in_(notice_ids))
        .group_by(NoticeListing.notice_id)
    )
    return {notice_id: (named, responded) for notice_id, named, responded in rows}


@bp.get("/notices")
@login_required
def notices() -> Any:
    actor = current_actor()
    rows = jurisdiction_notices(actor, after_day_id(), PAGE + 1)
    page = page_of(rows, PAGE, lambda n: day_id(n.published_on, n.id))
    return render_template(
        "workspace/notices.html",
        page=page,
        counts=listing_counts([n.id for n in page.rows]),
        kinds=KIND_LABEL,
        today=context.clock().today(),
    )


def _read(service: CaseService, actor: Actor, notice_id: int) -> PublicNotice:
    if not 0 < notice_id <= LARGEST_ID:
        raise NotFound(Text("no public notice {notice}", notice=notice_id), notice=notice_id)
    notice = service.get_notice(notice_id)
    authorize_read(actor, notice.authority.code)
    return notice


def _page(
    service: CaseService,
    notice: PublicNotice,
    posted: ResponseForm | None = None,
    refused: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = current_actor()
    today = service.clock.today()
    # The cases of the listings, in one query rather than one each.
    db.session.scalars(
        select(DormantCase).where(DormantCase.id.in_([x.case_id for x in notice.listings]))
    ).all()
    waiting = [x for x in notice.listings if x.responded_on is None]
    may_respond = may_act(actor, Action.NOTICE_RESPONSE, notice.authority.code)
    running = notice.published_on <= today <= notice.ends_on
    form: ResponseForm | None = None
    if may_respond and running and (waiting or posted is not None):
        form = posted if posted is not None else ResponseForm(formdata=None)
        form.uscc.choices = [("", _("请选择"))] + [
            (x.organisation.uscc, f"{x.organisation.name}（{x.organisation.uscc}）")
            for x in waiting
        ]
        asked = request.args.get("uscc", "")
        if posted is None and asked in {x.organisation.uscc for x in waiting}:
            form.uscc.data = asked
    html = render_template(
        "workspace/notice.html",
        notice=notice,
        kinds=KIND_LABEL,
        form=form,
        may_respond=may_respond,
        running=running,
        waiting=waiting,
        refused=refused,
        today=today,
    )
    return html, status


@bp.route("/notices/<int:notice_id>", methods=["GET", "POST"])
@login_required
def notice(notice_id: int) -> Any:
    actor = current_actor()
    service = cases()
    record = _read(service, actor, notice_id)
    if request.method == "GET":
        return _page(service, record)
    form = ResponseForm()
    if not form.validate():
        return _page(service, record, form, status=422)
    try:
        listing = service.record_response(
            actor, notice_id, form.uscc.data or "", form.responded_on.data, form.response.data
        )
    except DomainError as refusal:
        db.session.rollback()
        attach(form, refusal)
        record = _read(service, actor, notice_id)
        return _page(service, record, form, refusal.message, refusal.http_status)
    db.session.commit()
    flash(
        _(
            "已记录%(name)s的回应（%(day)s）。",
            name=listing.organisation.name,
            day=listing.responded_on.isoformat() if listing.responded_on else "",
        )
    )
    return redirect(url_for("workspace.notice", notice_id=notice_id))
