"""The dormant cases of the jurisdiction, a page at a time, filtered by state: the open
ones (the dashboard's pile), those waiting for a head's approval, or one state.

Where the state's next step is a public notice (a case being contacted: the dormant
notice; a case awaiting its decision: the prior notice of revocation, 事先告知), the
officer who may publish ticks the cases of their own authority and publishes one notice
naming them all (CaseService.publish_notice), as the candidates page does for the
dormant notice. All or none: a refusal says why and the selection stays ticked.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup, escape

from registry.accounts.rules import Action, Actor, may, may_act
from registry.deregistration.models import CaseState, DormantCase, NoticeKind
from registry.deregistration.rules import PROPOSED
from registry.deregistration.services import CaseService
from registry.errors import DomainError
from registry.extensions import db
from registry.web.workspace import bp, cases, current_actor
from registry.web.workspace_candidates import NoticeForm
from registry.web.workspace_forms import attach
from registry.web.workspace_labels import CASE_STATE, DOCUMENT_KIND
from registry.web.workspace_paging import after_id, page_of

S = CaseState

#: cases per page
PAGE = 50
#: the filter's choices beyond one state: every open case, and those awaiting approval
GROUPS = {"open": _l("办理中的全部案件"), "proposed": _l("待负责人批准的决定")}
#: the notice that is the next step of a case in the state
NOTICE_FOR = {S.CONTACTING: NoticeKind.DORMANT, S.AWAITING_DECISION: NoticeKind.PRIOR_NOTICE}
#: the words of each notice: the form's heading and its button
NOTICE_WORDS = {
    NoticeKind.DORMANT: _l("发布公告"),
    NoticeKind.PRIOR_NOTICE: _l("发布事先告知公告"),
}


def state_filter() -> str:
    """The `state` argument: a group of GROUPS or a CaseState value; a bad one is a 400."""
    state = request.args.get("state", "").strip() or "open"
    if state not in GROUPS and state not in {s.value for s in S}:
        abort(400, description=_("案件状态无效，请从列表中选择。"))
    return state


def listed(service: CaseService, actor: Actor, state: str, after: int, limit: int) -> list[Any]:
    """Up to `limit` cases of the filter after the case `after`, in case order."""
    if state == "open":
        return service.cases(actor, open_only=True, after_id=after, limit=limit)
    if state == "proposed":
        found = [
            case
            for each in sorted(PROPOSED)
            for case in service.cases(actor, state=each, after_id=after, limit=limit)
        ]
        return sorted(found, key=lambda case: case.id)[:limit]
    return service.cases(actor, state=S(state), after_id=after, limit=limit)


def may_name(actor: Actor, case: DormantCase) -> bool:
    """Whether `actor` may put the case in a notice: the case's next step is a notice, and
    the case is of the actor's own authority."""
    return case.state in NOTICE_FOR and may_act(actor, Action.NOTICE_PUBLISH, case.authority.code)


def _page(form: NoticeForm, refused: str | None = None, status: int = 200) -> tuple[str, int]:
    actor = current_actor()
    service = cases()
    state = state_filter()
    rows = listed(service, actor, state, after_id(), PAGE + 1)
    page = page_of(rows, PAGE, lambda case: case.id)
    kind = NOTICE_FOR.get(S(state)) if state not in GROUPS else None
    selectable = {case.id for case in page.rows if may_name(actor, case)} if kind else set()
    html = render_template(
        "workspace/cases.html",
        page=page,
        state=state,
        groups=GROUPS,
        states=CASE_STATE,
        kind=kind,
        notice_words=NOTICE_WORDS,
        selectable=selectable,
        may_publish=may(actor.role, Action.NOTICE_PUBLISH),
        form=form,
        picked=set(form.case_ids.data or ()),
        refused=refused,
        notice_days=service.rules.notice_days,
        hearing_days=service.rules.hearing_request_days,
        today=service.clock.today(),
    )
    return html, status


@bp.get("/cases")
@login_required
def case_list() -> Any:
    return _page(NoticeForm(prefix="notice", formdata=None))


@bp.post("/cases")
@login_required
def publish_case_notice() -> Any:
    state = state_filter()
    kind = NOTICE_FOR.get(S(state)) if state not in GROUPS else None
    form = NoticeForm(prefix="notice")
    if kind is None:
        return _page(form, _("该状态的案件不以公告办理下一步。"), 422)
    if not form.validate():
        return _page(form, status=422)
    try:
        notice = cases().publish_notice(
            current_actor(),
            kind,
            form.case_ids.data,
            form.published_on.data,
            days=form.days.data if kind is NoticeKind.DORMANT else None,
            title=form.title.data or None,
            note=form.note.data or None,
        )
    except DomainError as refusal:
        db.session.rollback()
        attach(form, refusal)
        return _page(form, refusal.message, refusal.http_status)
    db.session.commit()
    link = Markup('<a href="{}">{}</a>').format(
        url_for("workspace.notice", notice_id=notice.id), notice.number
    )
    words = _(
        "已发布%(kind)s，列明 %(n)s 个社会组织：",
        kind=_(DOCUMENT_KIND[kind.value]),
        n=len(notice.listings),
    )
    flash(Markup(escape(words)) + link)
    return redirect(url_for("workspace.case_list", state=state))
