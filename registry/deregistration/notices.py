"""Public notices of the procedure: one notice names the organisations of many cases,
each case taking its step; responses received before a notice ends are recorded.

A part of CaseService (services.py), kept apart for its size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock
from registry.deregistration import rules
from registry.deregistration.models import (
    CaseState,
    DormantCase,
    NoticeKind,
    NoticeListing,
    PublicNotice,
    Transition,
)
from registry.deregistration.records import (
    case_audit,
    document,
    notice_audit,
    parse_notice_kind,
)
from registry.errors import Clauses, IllegalTransition, InvalidRecord, NotFound, Text

if TYPE_CHECKING:
    pass

S = CaseState
T = Transition

_KIND_LABEL = {
    NoticeKind.DORMANT: "公告",
    NoticeKind.PRIOR_NOTICE: "事先告知公告",
    NoticeKind.DECISION: "决定送达公告",
}
_NOTICE_TITLE = {
    NoticeKind.DORMANT: "关于拟注销（撤销）“僵尸型”社会组织的公告",
    NoticeKind.PRIOR_NOTICE: "行政处罚事先告知公告（拟撤销登记）",
    NoticeKind.DECISION: "撤销登记（注销）决定送达公告",
}


class NoticeSteps:
    session: Session
    clock: Clock
    rules: rules.DormantRules
    audit: AuditTrail

    def publish_notice(
        self,
        actor: Actor,
        kind: NoticeKind | str,
        case_ids: Sequence[int],
        published_on: date | None = None,
        *,
        days: int | None = None,
        title: str | None = None,
        basis: str | None = None,
        note: str | None = None,
    ) -> PublicNotice:
        """One notice naming the organisations of many cases, all of the actor's authority;
        each case takes its step (publish_notice or issue_prior_notice). All or none."""
        kind = parse_notice_kind(kind)
        transition = {v: k for k, v in rules.BY_NOTICE.items()}.get(kind)
        if transition is None:
            raise InvalidRecord(
                Text("decisions are served by notice when they are approved (serve_by_notice)"),
                errors={"kind": Text("dormant or prior_notice")},
            )
        ids = list(dict.fromkeys(int(i) for i in case_ids))
        if not ids:
            raise InvalidRecord(Text("name at least one case"), errors={"case_ids": Text("empty")})
        if len(ids) > 1000:
            raise InvalidRecord(
                Text("at most 1000 cases at once"), errors={"case_ids": Text("too many")}
            )
        cases = {
            c.id: c
            for c in self.session.scalars(select(DormantCase).where(DormantCase.id.in_(ids)))
        }
        missing = [i for i in ids if i not in cases]
        if missing:
            raise NotFound(Text("no dormant-organisation case {case}", case=missing), cases=missing)
        authorities = {c.authority_id for c in cases.values()}
        for case in cases.values():
            authorize(actor, Action.NOTICE_PUBLISH, case.authority.code)
        if len(authorities) > 1:
            raise InvalidRecord(
                Text("one notice names the cases of one authority"),
                errors={"case_ids": Text("mixed")},
            )
        wrong = {i: c for i, c in cases.items() if not rules.may_leave(transition, c.state)}
        if wrong:
            raise IllegalTransition(
                Text(
                    "{kind} notice: {problems}",
                    kind=kind.value,
                    problems=Clauses(
                        Text(
                            "case {case} is {state}, allowed next: {transitions}",
                            case=i,
                            state=c.state.value,
                            transitions=rules.allowed_next(c.state) or Text("none"),
                        )
                        for i, c in wrong.items()
                    ),
                ),
                status={str(i): c.state.value for i, c in wrong.items()},
                allowed={str(i): rules.allowed_next(c.state) for i, c in wrong.items()},
            )
        published_on = self._day(published_on, "published_on")
        for case in cases.values():
            refused = rules.refusal(transition, self._facts(case), published_on, self.rules)
            if refused:
                raise InvalidRecord(
                    Text("case {case}: {refusal}", case=case.id, refusal=refused), case=case.id
                )
        days = self.rules.notice_days if days is None else int(days)
        if kind is NoticeKind.DORMANT and not 1 <= days <= 366:
            raise InvalidRecord(Text("days must be 1 to 366"), errors={"days": Text("1 to 366")})
        ends_on = (
            rules.hearing_deadline(published_on, self.rules)
            if kind is NoticeKind.PRIOR_NOTICE
            else rules.notice_ends_on(published_on, days)
        )
        authority = next(iter(cases.values())).authority
        notice = self._notice(
            kind, authority, published_on, ends_on, actor, title, basis or rules.BASIS[transition]
        )
        for case_id in ids:
            case = cases[case_id]
            before = case_audit(case)
            self.session.add(
                NoticeListing(notice=notice, case_id=case.id, organisation_id=case.organisation_id)
            )
            if kind is NoticeKind.DORMANT:
                case.notice = notice
            else:
                case.prior_notice = notice
            source = case.state
            case.state = rules.target(transition, source)
            self._step(
                case,
                actor,
                transition.value,
                source,
                case.state,
                published_on,
                notice.basis,
                note,
                [document(kind.value, notice.number, notice.id)],
            )
            self.audit.record(
                actor, Action.CASE_MOVE, "dormant_case", case.id, before, case_audit(case)
            )
        self.session.flush()
        self.audit.record(
            actor, Action.NOTICE_PUBLISH, "public_notice", notice.id, None, notice_audit(notice)
        )
        return notice

    def get_notice(self, notice_id: int) -> PublicNotice:
        notice = self.session.get(PublicNotice, notice_id)
        if notice is None:
            raise NotFound(Text("no public notice {notice}", notice=notice_id), notice=notice_id)
        return notice

    def record_response(
        self,
        actor: Actor,
        notice_id: int,
        uscc: str,
        responded_on: date | None = None,
        response: str | None = None,
    ) -> NoticeListing:
        """An organisation named in a notice came forward before it ended."""
        notice = self.get_notice(notice_id)
        code = (uscc or "").strip().upper()
        listing = next((x for x in notice.listings if x.organisation.uscc == code), None)
        if listing is None:
            raise NotFound(
                Text("notice {number} does not name {code}", number=notice.number, code=code),
                uscc=code,
            )
        authorize(actor, Action.NOTICE_RESPONSE, notice.authority.code)
        day = self._day(responded_on, "responded_on")
        if not notice.published_on <= day <= notice.ends_on:
            raise InvalidRecord(
                Text(
                    "a response is recorded between the notice's publication ({published}) "
                    "and its end ({ends}), not on {day}",
                    published=notice.published_on,
                    ends=notice.ends_on,
                    day=day,
                ),
                errors={"responded_on": Text("outside the notice's period")},
            )
        if listing.responded_on is not None:
            raise IllegalTransition(
                Text("{code} already responded on {day}", code=code, day=listing.responded_on),
                status="responded",
                allowed=[],
            )
        if not (response or "").strip():
            raise InvalidRecord(
                Text("say what the organisation said or sent"),
                errors={"response": Text("required")},
            )
        listing.responded_on = day
        listing.response = response.strip()  # type: ignore[union-attr]
        listing.response_recorded_by_id = actor.officer_id
        self.session.flush()
        self.audit.record(
            actor,
            Action.NOTICE_RESPONSE,
            "public_notice_listing",
            listing.id,
            None,
            {
                "notice": notice.number,
                "uscc": code,
                "responded_on": day,
                "response": listing.response,
            },
        )
        return listing

    def _notice(
        self,
        kind: NoticeKind,
        authority: RegistrationAuthority,
        published_on: date,
        ends_on: date,
        actor: Actor,
        title: str | None,
        basis: str,
    ) -> PublicNotice:
        notice = PublicNotice(
            kind=kind,
            authority=authority,
            number=self._number(authority, _KIND_LABEL[kind], published_on, PublicNotice),
            title=(title or "").strip() or f"{authority.name}{_NOTICE_TITLE[kind]}",
            basis=basis,
            published_on=published_on,
            ends_on=ends_on,
            published_by_id=actor.officer_id,
            created_at=self.clock.now(),
        )
        self.session.add(notice)
        self.session.flush()
        return notice

    def _number(self, authority: RegistrationAuthority, label: str, on: date, model: Any) -> str:
        """The next document number of this kind of the authority in the year:
        "<authority><label>〔2026〕3号"."""
        stem = f"{authority.name}{label}〔{on.year}〕"
        count = self.session.scalar(
            select(func.count()).select_from(model).where(model.number.startswith(stem))
        )
        return f"{stem}{(count or 0) + 1}号"
