"""The credit lists' rules (社会组织信用信息管理办法, 2018): pure functions of dates and facts.

DOMAIN.md, "Credit lists". Every rule gives a date, never "today": the daily job
(services.CreditService.run) writes the dates these functions give, so that running it
late, or twice, dates every entry and removal as running it every day would have.
registry/credit/queries.py states the same rules as SQL for the set-based job; the tests
hold the two to each other.

Choices the rules leave open, made here:
- An entry is on its list from `entered_on` to the day before `removed_on`; a stay
  removed on a day is off the list that day.
- "A new ground restarts the clock": an entry with no remedy owed lapses 6 months after
  the latest abnormal entry of its organisation entered while it was still on the list
  (entries that were rescinded do not count). Dishonest entries lapse the same way, after
  2 years, counting every dishonest entry as a new ground.
- Escalation leaves the abnormal entries open: they still come off on their own terms
  (the report filed, the order met, 6 months), so the abnormal list keeps saying what the
  organisation still owes, and "obligations met" can be read from it.
- An organisation is escalated once per abnormal stay: the earliest abnormal entry open on
  its second anniversary escalates, unless an escalation already followed its entry.
- A dishonest entry for revocation stays until the organisation is deregistered; it does
  not lapse after 2 years.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from registry.credit.models import CreditList, EntryGround, PenaltyKind, RemovalGround

G = EntryGround
L = CreditList

#: months an abnormal entry with no remedy owed stays on the list
ABNORMAL_TERM_MONTHS = 6
#: years on the abnormal list before the serious-dishonesty list
ESCALATION_YEARS = 2
#: years a dishonest entry stays, with no new ground and obligations met
DISHONEST_TERM_YEARS = 2
#: a fine of this many yuan or more is a dishonest ground
MAJOR_FINE = Decimal("50000")
#: two or more warnings or fines within this many years are a dishonest ground
PENALTY_WINDOW_YEARS = 3
#: the unreachable ground: two failed registered letters this many days apart
LETTER_GAP_DAYS = (20, 60)

ABNORMAL_GROUNDS = frozenset(
    {G.REPORT_NOT_FILED, G.RECTIFICATION_NOT_MET, G.MINOR_PENALTY, G.UNREACHABLE}
)
DISHONEST_GROUNDS = frozenset(set(G) - ABNORMAL_GROUNDS)
#: what an officer enters by hand; the others come from the job, a penalty or a revocation
OFFICER_GROUNDS = frozenset({G.RECTIFICATION_NOT_MET, G.UNREACHABLE, G.MINOR_PENALTY})
#: grounds the organisation can remedy; the others lapse (or, for revocation, wait for
#: deregistration)
REMEDY_OWED = frozenset({G.REPORT_NOT_FILED, G.RECTIFICATION_NOT_MET, G.UNREACHABLE})

DETAILS = {
    G.RECTIFICATION_NOT_MET: "未按登记管理机关整改要求进行整改",
    G.UNREACHABLE: "通过登记的住所无法取得联系",
    G.MINOR_PENALTY: "受到警告或者不满5万元罚款的行政处罚",
    G.ABNORMAL_TWO_YEARS: "被列入活动异常名录满2年",
    G.REVOCATION: "被撤销登记",
    G.MAJOR_FINE: "受到5万元以上罚款的行政处罚",
    G.REPEATED_PENALTIES: "3年内累计受到2次以上警告或者罚款的行政处罚",
}


def list_of(ground: EntryGround | str) -> CreditList:
    return L.ABNORMAL if G(ground) in ABNORMAL_GROUNDS else L.DISHONEST


def remedy_owed(ground: EntryGround | str) -> bool:
    return G(ground) in REMEDY_OWED


# -- dates ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it has no such day
    (31 August + 6 months = 28 or 29 February), as PostgreSQL's interval arithmetic."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class Stay:
    """One entry's time on a list: from `entered_on`, off from `removed_on` (if removed)."""

    entered_on: date
    removed_on: date | None = None
    removal_ground: RemovalGround | str | None = None

    def open_on(self, day: date) -> bool:
        return self.entered_on <= day and (self.removed_on is None or self.removed_on > day)

    @property
    def counts(self) -> bool:
        """A rescinded entry was never a ground: it restarts no clock."""
        return self.removal_ground != RemovalGround.RESCINDED


# -- onto the abnormal list -------------------------------------------------------------


def report_entry_day(due: date) -> date:
    """The automatic entry for a missing report: the day after the due date."""
    return due + timedelta(days=1)


def report_entry(due: date, on: date, submitted_on: date | None) -> date | None:
    """The day an obliged organisation goes onto the abnormal list for this report, or None:
    no report by the due date, and that day has come. A report filed late still means an
    entry (removed on the filing day, see remedy_day)."""
    entered = report_entry_day(due)
    if on < entered or (submitted_on is not None and submitted_on <= due):
        return None
    return entered


def report_detail(year: int) -> str:
    return f"未按规定报送{year}年度工作报告"


def unreachable_refusal(
    letters: Iterable[tuple[date, bool]],
    contacts: Iterable[tuple[date, bool]],
    on: date,
) -> str | None:
    """Why the unreachable ground cannot be entered on `on`, or None when it stands.

    `letters`: registered letters (attempted_on, succeeded); `contacts`: every attempt of
    any method. It takes two failed registered letters 20–60 days apart, both sent by
    `on`, and no successful contact since the first of them.
    """
    low, high = LETTER_GAP_DAYS
    failed = sorted(day for day, succeeded in letters if not succeeded and day <= on)
    if len(failed) < 2:
        return (
            f"the unreachable ground needs two failed registered letters {low}–{high} days "
            f"apart; {len(failed)} recorded by {on.isoformat()}"
        )
    pairs = [
        (first, second)
        for i, first in enumerate(failed)
        for second in failed[i + 1 :]
        if low <= (second - first).days <= high
    ]
    if not pairs:
        gaps = ", ".join(str((b - a).days) for a, b in pairwise(failed))
        return (
            f"the failed registered letters must be {low}–{high} days apart; "
            f"the gaps recorded are {gaps} days"
        )
    reached = sorted(day for day, succeeded in contacts if succeeded and day <= on)
    usable = [pair for pair in pairs if not any(day >= pair[0] for day in reached)]
    if not usable:
        last = reached[-1]
        return f"the organisation was reached on {last.isoformat()}, after the letters began"
    return None


@dataclass(frozen=True)
class PenaltyGround:
    list_name: CreditList
    ground: EntryGround


def penalty_ground(
    kind: PenaltyKind | str,
    amount: Decimal | None,
    decided_on: date,
    earlier: Iterable[date],
) -> PenaltyGround:
    """Which list a penalty puts the organisation on: a fine of ¥50,000 or more, or a second
    warning or fine within 3 years (counting the penalties `earlier` decided on or before
    this one), the serious-dishonesty list; otherwise the abnormal list."""
    if PenaltyKind(kind) is PenaltyKind.FINE and amount is not None and amount >= MAJOR_FINE:
        return PenaltyGround(L.DISHONEST, G.MAJOR_FINE)
    since = add_years(decided_on, -PENALTY_WINDOW_YEARS)
    if any(since <= day <= decided_on for day in earlier):
        return PenaltyGround(L.DISHONEST, G.REPEATED_PENALTIES)
    return PenaltyGround(L.ABNORMAL, G.MINOR_PENALTY)


def penalty_refusal(kind: PenaltyKind | str, amount: Decimal | None) -> str | None:
    if PenaltyKind(kind) is PenaltyKind.WARNING:
        return None if amount in (None, 0) else "a warning has no amount"
    if amount is None or amount <= 0:
        return "a fine needs its amount in yuan, more than 0"
    return None


# -- off the lists ----------------------------------------------------------------------


def remedy_day(entered_on: date, submitted_on: date | None, on: date) -> date | None:
    """A missing report's entry comes off the day the report is filed (never before it was
    entered), once that day has come."""
    if submitted_on is None or submitted_on > on:
        return None
    return max(submitted_on, entered_on)


def lapse_day(entered_on: date, stays: Iterable[Stay], months: int) -> date:
    """The day an entry lapses, `months` after the latest entry of the same list entered
    while it was still on (itself included): a new ground restarts the clock.

    Equivalently (as queries.lapse_day states it in SQL): the earliest `x + months` over
    entries x entered on or after this one such that no entry was entered after x and
    before `x + months`.
    """
    days = sorted(s.entered_on for s in stays if s.counts and s.entered_on >= entered_on)
    lapse = add_months(entered_on, months)
    for day in days:
        if day < lapse:
            lapse = max(lapse, add_months(day, months))
        else:
            break
    return lapse


def abnormal_lapse(entered_on: date, abnormal: Iterable[Stay], on: date) -> date | None:
    """An abnormal entry with no remedy owed comes off 6 months on (restarted by new
    grounds), once that day has come."""
    day = lapse_day(entered_on, abnormal, ABNORMAL_TERM_MONTHS)
    return day if day <= on else None


def first_day_without(stays: Iterable[Stay], start: date) -> date | None:
    """The first day on or after `start` on which none of `stays` is open; None when one
    stays open for good."""
    relevant = [s for s in stays if s.counts]
    candidates = sorted(
        {start} | {s.removed_on for s in relevant if s.removed_on and s.removed_on > start}
    )
    for day in candidates:
        if not any(s.open_on(day) for s in relevant):
            return day
    return None


def dishonest_lapse(
    entered_on: date,
    ground: EntryGround | str,
    dishonest: Iterable[Stay],
    missing_reports: Iterable[Stay],
    on: date,
) -> date | None:
    """A dishonest entry comes off 2 years on with no new dishonest ground, on the first day
    from then with no missing report on the abnormal list (obligations met), once that day
    has come. Revocation waits for deregistration (deregistration_removal)."""
    if G(ground) is G.REVOCATION:
        return None
    term = lapse_day(entered_on, dishonest, 12 * DISHONEST_TERM_YEARS)
    day = first_day_without(missing_reports, term)
    return day if day is not None and day <= on else None


def escalation_day(
    abnormal: Sequence[Stay],
    escalations: Iterable[date],
    on: date,
    on_register_until: date | None = None,
) -> date | None:
    """The day the organisation goes onto the serious-dishonesty list for 2 years on the
    abnormal list, or None.

    The earliest abnormal entry open on its second anniversary escalates on that day, if
    it was the earliest entry open that day, the day has come, the organisation was still
    on the register (`on_register_until`: its deregistration or revocation day, None while
    active) and no escalation has followed that entry's entry yet. A run that finds an
    escalation asks again: one stay, one escalation, however late the run.
    """
    done = list(escalations)
    counted = [s for s in abnormal if s.counts]
    for stay in sorted(counted, key=lambda s: s.entered_on):
        anniversary = add_years(stay.entered_on, ESCALATION_YEARS)
        if anniversary > on or not stay.open_on(anniversary):
            continue
        if on_register_until is not None and on_register_until <= anniversary:
            continue
        if any(o.open_on(anniversary) and o.entered_on < stay.entered_on for o in counted):
            continue
        if any(day >= stay.entered_on for day in done):
            continue
        return anniversary
    return None


def deregistration_removal(
    ground: EntryGround | str, deregistered_on: date | None, on: date
) -> date | None:
    """A dishonest entry for revocation comes off when the organisation is deregistered."""
    if G(ground) is not G.REVOCATION or deregistered_on is None or deregistered_on > on:
        return None
    return deregistered_on


def removal_refusal(
    ground: EntryGround | str, removal: RemovalGround | str, entered_on: date, on: date
) -> str | None:
    """Why an officer may not remove an entry so, or None.

    Officers record a remedy of an abnormal ground that owes one, other than a missing
    report (filing it removes the entry: `credit run`), or rescind any entry (entered in
    error, or overturned on review). Expiry, escalation and deregistration are the job's.
    """
    ground, removal = G(ground), RemovalGround(removal)
    if on < entered_on:
        return f"the removal date {on.isoformat()} is before the entry ({entered_on.isoformat()})"
    if removal is RemovalGround.RESCINDED:
        return None
    if removal is not RemovalGround.REMEDIED:
        return f"officers remove an entry as remedied or rescinded, not {removal.value}"
    if ground is G.REPORT_NOT_FILED:
        return "a missing report's entry comes off when the report is filed (credit run)"
    if ground not in REMEDY_OWED:
        return f"{ground.value} owes no remedy: it comes off by itself " + (
            "after 6 months" if ground in ABNORMAL_GROUNDS else "after 2 years"
        )
    return None
