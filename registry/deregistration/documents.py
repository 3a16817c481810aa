"""The printable documents of the dormant procedure, in Simplified Chinese.

Public notices (公告 of kind dormant, 行政处罚事先告知书 served by notice, decisions served
by notice) and decision letters (简易注销决定书, 撤销登记决定书). The builders turn the
models into a `Document` (what the print templates show: every sentence and date is
decided here, the templates only lay it out); small readers load the rows. The PDF is
the HTML print view rendered by WeasyPrint.

Choices made here:
- A notice dated after today is not public yet: its readers answer NotFound.
- Periods are stated from the stored dates (a decision's certificate, review and lawsuit
  days), so that the letter says exactly what the record says even if a setting changed
  since; the lawsuit window's months and the hearing window's days come from the rules.
- Without a CJK font the PDF would print every Chinese character as an empty box, which
  is no document at all: `render_pdf` raises CjkFontMissing (503) instead, and the HTML
  print view, printed from the browser with the reader's own fonts, still works.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.deregistration import rules as dr
from registry.deregistration.models import (
    CertificateOutcome,
    Criterion,
    DecisionKind,
    DeregistrationDecision,
    DormantCase,
    NoticeKind,
    NoticeListing,
    PublicNotice,
)
from registry.deregistration.rules import REGULATION, DormantRules
from registry.errors import DomainError, NotFound
from registry.organisations.models import Organisation

log = logging.getLogger(__name__)

#: ids are INTEGER columns: a larger number is no document (and would overflow SQLite)
MAX_ID = 2**31 - 1

#: the template of each kind of notice, under registry/web/templates/documents/
NOTICE_TEMPLATES = {
    NoticeKind.DORMANT: "notice.html",
    NoticeKind.PRIOR_NOTICE: "prior_notice.html",
    NoticeKind.DECISION: "notice.html",
}
DECISION_TEMPLATE = "decision.html"

#: the heading of each kind of document (its 文种), above the number
NOTICE_KINDS = {
    NoticeKind.DORMANT: "公告",
    NoticeKind.PRIOR_NOTICE: "行政处罚事先告知书（公告送达）",
    NoticeKind.DECISION: "决定书送达公告",
}
DECISION_TITLES = {
    DecisionKind.SIMPLIFIED_DEREGISTRATION: "简易注销决定书",
    DecisionKind.REVOCATION: "撤销登记决定书",
}
DECISION_NAMES = {
    DecisionKind.SIMPLIFIED_DEREGISTRATION: "简易注销",
    DecisionKind.REVOCATION: "撤销登记",
}
CERTIFICATE_OUTCOMES = {
    CertificateOutcome.RETURNED: "登记证书、印章已缴回",
    CertificateOutcome.VOID: "登记证书、印章已公告作废",
}


def chinese_date(day: date) -> str:
    """A date as Chinese documents write it: 2026年6月15日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class DatedItem:
    label: str
    #: the date, already written Chinese-style
    day: str


@dataclass(frozen=True)
class ListedOrganisation:
    """One row of a notice's table, or the facts of a decision letter's addressee."""

    uscc: str
    name: str
    legal_representative: str
    domicile: str
    #: the criteria met, or the decision taken: one line each
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """What a printed document says, ready for its template."""

    #: the template's file name under templates/documents/
    template: str
    #: the kind of document (文种), printed under the authority's name
    kind_label: str
    title: str
    number: str
    authority_name: str
    basis: str
    #: the organisation a decision letter is addressed to (主送)
    addressee: str | None
    #: the body before the table
    paragraphs: tuple[str, ...]
    #: the heading of the table's last column
    reason_heading: str
    organisations: tuple[ListedOrganisation, ...]
    #: the body after the table: rights, periods, service
    closing: tuple[str, ...]
    dates: tuple[DatedItem, ...]
    #: the date above the authority's seal (落款)
    signed_on: str
    #: the PDF's file name: the document number
    filename: str
    #: an ASCII name for clients that cannot read the other
    ascii_filename: str


class CjkFontMissing(DomainError):
    http_status: ClassVar[int] = 503
    slug: ClassVar[str] = "cjk-font-missing"
    title: ClassVar[str] = "No Chinese font is installed, so the PDF cannot be made"


# -- builders --------------------------------------------------------------------------------


def criteria_lines(case: DormantCase | None, rules: DormantRules) -> tuple[str, ...]:
    """The criteria a case was opened on, as the authority states them."""
    if case is None or not case.criteria:
        return ()
    lines = []
    for name in filter(None, (n.strip() for n in case.criteria.split(","))):
        try:
            lines.append(rules.criterion_label(Criterion(name)))
        except ValueError:  # a criterion retired since: print what was recorded
            lines.append(name)
    return tuple(lines)


def _listed(org: Organisation, reasons: Sequence[str]) -> ListedOrganisation:
    return ListedOrganisation(
        uscc=org.uscc,
        name=org.name,
        legal_representative=org.legal_representative,
        domicile=org.domicile,
        reasons=tuple(reasons),
    )


def _filename(number: str) -> str:
    # The number ("玄民告〔2026〕3号") names the file; strip what a file system refuses.
    return re.sub(r'[\\/:*?"<>|\s]+', "_", number).strip("_") + ".pdf"


def _decision_lines(decision: DeregistrationDecision) -> tuple[str, ...]:
    return (
        f"{DECISION_NAMES[decision.kind]}（{decision.number}，"
        f"{chinese_date(decision.decided_on)}作出）",
        f"理由：{decision.reason}",
        f"证书、印章缴回截止：{chinese_date(decision.certificate_due_on)}",
        f"申请行政复议截止：{chinese_date(decision.review_until)}",
        f"提起行政诉讼截止：{chinese_date(decision.lawsuit_until)}",
    )


def build_notice(
    notice: PublicNotice,
    rules: DormantRules = dr.DEFAULT_RULES,
    decisions: Mapping[int, DeregistrationDecision] | None = None,
) -> Document:
    """The document of a public notice; `decisions` (by case id) for a notice that serves
    decisions."""
    decisions = decisions or {}
    kind = NoticeKind(notice.kind)
    authority = notice.authority.name
    count = len(notice.listings)
    published = chinese_date(notice.published_on)
    ends = chinese_date(notice.ends_on)
    days = (notice.ends_on - notice.published_on).days + 1
    dates = [DatedItem("发布日期", published)]

    if kind is NoticeKind.DORMANT:
        rows = [_listed(li.organisation, criteria_lines(li.case, rules)) for li in notice.listings]
        paragraphs = (
            f"依据{notice.basis}，本机关对登记的社会组织进行了核查。经核查，下列{count}家"
            "社会组织存在表中所列情形，涉嫌为“僵尸型”社会组织，现予公告。",
            f"请上述社会组织自本公告发布之日起{days}日内（{published}至{ends}）与本机关联系，"
            "说明情况，补报年度工作报告并接受年度检查。",
        )
        closing = (
            f"逾期（{ends}后）仍未与本机关联系或者未改正的，本机关将依法作出简易注销或者"
            "撤销登记的处理。",
            "特此公告。",
        )
        dates.append(DatedItem(f"公告期满日（公告期{days}日）", ends))
        heading = "所涉情形"
    elif kind is NoticeKind.PRIOR_NOTICE:
        rows = [_listed(li.organisation, criteria_lines(li.case, rules)) for li in notice.listings]
        deadline = chinese_date(dr.hearing_deadline(notice.published_on, rules))
        regulations = "、".join(
            dict.fromkeys(
                REGULATION[li.organisation.kind.value]
                for li in notice.listings
                if li.organisation.kind.value in REGULATION
            )
        )
        cited = f"{notice.basis}{'及' + regulations if regulations else ''}"
        paragraphs = (
            f"经本机关核查，下列{count}家社会组织存在表中所列情形。依据{cited}的规定，"
            "本机关拟对其作出撤销登记的行政处罚。因通过住所、法定代表人等途径无法送达，"
            "现依法予以公告送达。",
        )
        closing = (
            "依据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、"
            "第六十四条的规定，上述社会组织享有陈述、申辩的权利，并有权要求举行听证。",
            f"如需陈述、申辩或者要求听证，请自本告知书公告之日起{rules.hearing_request_days}"
            f"日内，即最迟于{deadline}，向本机关提出；逾期未提出的，视为放弃上述权利。",
            "特此告知。",
        )
        dates.append(DatedItem("陈述、申辩和要求听证截止日", deadline))
        if notice.ends_on != dr.hearing_deadline(notice.published_on, rules):
            dates.append(DatedItem("公告期满日", ends))
        heading = "事实和理由"
    else:
        rows = []
        for li in notice.listings:
            decision = decisions.get(li.case_id)
            lines = _decision_lines(decision) if decision else criteria_lines(li.case, rules)
            rows.append(_listed(li.organisation, lines))
        paragraphs = (
            f"本机关已对下列{count}家社会组织作出表中所列决定。因通过住所、法定代表人等途径"
            f"无法直接送达，依据{notice.basis}，现予公告送达。",
            f"本公告自发布之日起经过{days}日，即{ends}，视为送达。",
        )
        closing = (
            "请上述社会组织在表中所列期限内将登记证书正本、副本和印章缴回本机关；"
            "逾期未缴回的，由本机关公告作废。",
            "如不服上述决定，可以在表中所列期限内依法申请行政复议，或者向人民法院提起行政诉讼。",
            "特此公告。",
        )
        dates.append(DatedItem("公告送达日", ends))
        heading = "决定内容"

    return Document(
        template=NOTICE_TEMPLATES[kind],
        kind_label=NOTICE_KINDS[kind],
        title=notice.title,
        number=notice.number,
        authority_name=authority,
        basis=notice.basis,
        addressee=None,
        paragraphs=paragraphs,
        reason_heading=heading,
        organisations=tuple(rows),
        closing=closing,
        dates=tuple(dates),
        signed_on=published,
        filename=_filename(notice.number),
        ascii_filename=f"notice-{notice.id}.pdf",
    )


def build_decision(
    decision: DeregistrationDecision, rules: DormantRules = dr.DEFAULT_RULES
) -> Document:
    """The decision letter (决定书) of a deregistration decision."""
    kind = DecisionKind(decision.kind)
    org = decision.organisation
    decided = chinese_date(decision.decided_on)
    due = chinese_date(decision.certificate_due_on)
    review = chinese_date(decision.review_until)
    lawsuit = chinese_date(decision.lawsuit_until)
    certificate_days = (decision.certificate_due_on - decision.decided_on).days
    review_days = (decision.review_until - decision.decided_on).days

    if kind is DecisionKind.REVOCATION:
        ruling = f"依据{decision.basis}的规定，本机关决定撤销你单位的登记。"
    else:
        ruling = f"依据{decision.basis}的规定，本机关决定准予你单位简易注销登记。"
    reason = decision.reason.rstrip()
    if reason and reason[-1] not in "。；！？.":
        reason += "。"
    paragraphs = (f"经查：{reason}", ruling)
    closing = [
        f"请你单位自本决定作出之日起{certificate_days}日内，即最迟于{due}，将登记证书正本、"
        "副本和印章缴回本机关；逾期未缴回的，由本机关公告作废。",
        f"你单位如不服本决定，可以自收到本决定书之日起{review_days}日内（{review}前）依法"
        f"申请行政复议，或者自收到本决定书之日起{rules.lawsuit_months}个月内（{lawsuit}前）"
        "依法向人民法院提起行政诉讼。",
    ]
    if decision.served_by_notice is not None:
        closing.append(f"本决定书以公告方式送达（{decision.served_by_notice.number}）。")

    dates = [
        DatedItem("决定日期", decided),
        DatedItem("登记证书、印章缴回截止日", due),
        DatedItem("申请行政复议截止日", review),
        DatedItem("提起行政诉讼截止日", lawsuit),
    ]
    if decision.certificate_outcome is not None and decision.certificate_outcome_on:
        outcome = CertificateOutcome(decision.certificate_outcome)
        dates.append(
            DatedItem(CERTIFICATE_OUTCOMES[outcome], chinese_date(decision.certificate_outcome_on))
        )

    return Document(
        template=DECISION_TEMPLATE,
        kind_label=DECISION_TITLES[kind],
        title=f"关于{DECISION_NAMES[kind]}{org.name}的决定",
        number=decision.number,
        authority_name=decision.authority.name,
        basis=decision.basis,
        addressee=org.name,
        paragraphs=paragraphs,
        reason_heading="决定内容",
        organisations=(_listed(org, (DECISION_NAMES[kind],)),),
        closing=tuple(closing),
        dates=tuple(dates),
        signed_on=decided,
        filename=_filename(decision.number),
        ascii_filename=f"decision-{decision.id}.pdf",
    )


# -- readers ---------------------------------------------------------------------------------


def notice_document(
    session: Session, notice_id: int, rules: DormantRules, today: date | None = None
) -> Document:
    """The document of a published notice; NotFound for an unknown (or future) one."""
    notice = None
    if 0 < notice_id <= MAX_ID:
        notice = session.scalar(
            select(PublicNotice)
            .where(PublicNotice.id == notice_id)
            .options(selectinload(PublicNotice.listings).selectinload(NoticeListing.case))
        )
    if notice is None or (today is not None and notice.published_on > today):
        raise NotFound(f"There is no public notice {notice_id}.", id=notice_id)
    decisions: dict[int, DeregistrationDecision] = {}
    if notice.kind is NoticeKind.DECISION:
        found = session.scalars(
            select(DeregistrationDecision)
            .join(NoticeListing, NoticeListing.case_id == DeregistrationDecision.case_id)
            .where(NoticeListing.notice_id == notice.id)
        )
        decisions = {d.case_id: d for d in found}
    return build_notice(notice, rules, decisions)


def decision_document(session: Session, decision_id: int, rules: DormantRules) -> Document:
    """The letter of a decision; NotFound for an unknown one."""
    decision = None
    if 0 < decision_id <= MAX_ID:
        decision = session.get(DeregistrationDecision, decision_id)
    if decision is None:
        raise NotFound(f"There is no deregistration decision {decision_id}.", id=decision_id)
    return build_decision(decision, rules)


# -- PDF -------------------------------------------------------------------------------------


@functools.cache
def cjk_font_installed() -> bool | None:
    """Whether fontconfig knows a Chinese font; None when it cannot be asked (no fc-list).

    Asked once per process: a font installed later needs a restart."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(found.stdout.strip())


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered print view, its fonts subset (HarfBuzz when installed)."""
    if cjk_font_installed() is False:
        log.warning("no CJK font installed (Debian: fonts-noto-cjk): refusing to make a PDF")
        raise CjkFontMissing(
            "The server has no Chinese font installed, so it cannot make the PDF. "
            "The HTML print view of the same document works: print it from the browser."
        )
    # Imported here: WeasyPrint takes about a second to import and only PDFs need it.
    from weasyprint import HTML, URLFetcher

    # The documents are self-contained: allowing no protocol at all keeps a crafted name
    # from making the server fetch a URL or read a file.
    fetcher = URLFetcher(allowed_protocols=(), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
