from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.demo.charities import seed_charities
from registry.demo.dormant import seed_dormant
from registry.demo.inspections import seed_inspections
from registry.demo.seed import SeedSummary, seed_if_empty, seed_register
from registry.extensions import db


@click.group("demo", help="Demo data.")
def demo_cli() -> None:
    pass


@demo_cli.command("seed")
@click.option(
    "--orgs",
    "organisations",
    type=click.IntRange(min=0),
    default=5000,
    show_default=True,
    help="Registered organisations to add.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="The same seed (on the same day) gives the same register.",
)
@click.option(
    "--community",
    type=click.IntRange(min=0),
    default=None,
    help="Community organisation filings to add  [default: orgs // 2]",
)
@click.option(
    "--if-empty", is_flag=True, help="Seed only when the register has no organisation yet."
)
@with_appcontext
def seed(organisations: int, seed: int, community: int | None, if_empty: bool) -> None:
    """Add a realistic, deterministic demo register (divisions and authorities too)."""
    from tqdm import tqdm

    community = organisations // 2 if community is None else community
    totals = {
        "organisations": organisations,
        "community filings": community,
        "annual reports": organisations,  # counted in organisations done
    }
    bars: dict[str, tqdm] = {}

    def progress(stage: str, count: int) -> None:
        # One bar per stage, each closed when the next begins, so they never interleave.
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(total=totals.get(stage), desc=stage, unit=" rows")
        bars[stage].update(count)

    options = {
        "organisations": organisations,
        "community": community,
        "seed": seed,
        "progress": progress,
    }
    clock = current_app.extensions["registry.clock"]
    try:
        if if_empty:
            summary = seed_if_empty(db.session, clock, **options)
        else:
            summary = seed_register(db.session, clock, **options)
        if summary is not None:
            settings = current_app.extensions["registry.settings"]
            seed_inspections(
                db.session, clock, summary, seed=seed, settings=settings, progress=progress
            )
            seed_dormant(db.session, clock, summary, settings)
            seed_charities(db.session, clock, summary, settings, seed=seed)
    finally:
        for bar in bars.values():
            bar.close()
    if summary is None:
        click.echo("The register already has organisations: nothing seeded (--if-empty).")
        return
    click.echo(describe(summary))


def describe(summary: SeedSummary) -> str:
    kinds = summary.by_kind
    return (
        f"Seeded {summary.organisations:,} organisations "
        f"({kinds.get('social_group', 0):,} social groups, "
        f"{kinds.get('social_service_agency', 0):,} social service agencies, "
        f"{kinds.get('foundation', 0):,} foundations): "
        f"{summary.changed:,} with changes of registration, "
        f"{summary.deregistered:,} deregistered, {summary.revoked:,} revoked, "
        f"{summary.charities:,} charities, {summary.change_records:,} change records; "
        f"{summary.community:,} community filings ({summary.withdrawn:,} withdrawn).\n"
        f"{inspections(summary)}\n"
        f"Dormant organisations: {summary.dormant_candidates:,} candidates detected, "
        f"{summary.dormant_cases:,} cases, {summary.notices:,} notices, "
        f"{summary.decisions:,} decisions.\n"
        f"Charities: {summary.qualified:,} with the public-fundraising qualification, "
        f"{summary.plans:,} fundraising plans; {summary.charity_trusts:,} charity trusts "
        f"worth ¥{summary.trust_property:,.2f}.\n"
        f"{summary.seconds:.1f} s, {summary.organisations / summary.seconds:,.0f} organisations/s."
    )


def inspections(summary: SeedSummary) -> str:
    """The officers' domains: reports, inspections, penalties, lists and ratings."""
    rate = f"{summary.participation:.1%}" if summary.participation is not None else "n/a"
    concluded = summary.conclusions
    return (
        f"{summary.reports:,} annual reports (participation {rate}, {summary.late:,} late; "
        f"{concluded.get('pass', 0):,} passed, {concluded.get('basic_pass', 0):,} basic passes, "
        f"{concluded.get('fail', 0):,} failed, {summary.in_review:,} awaiting review); "
        f"{summary.penalties:,} penalties; {summary.list_entries:,} credit-list entries, "
        f"{summary.abnormal:,} organisations on the abnormal-activities list and "
        f"{summary.dishonest:,} on the serious-dishonesty list now; "
        f"{summary.ratings:,} ratings ({summary.rated:,} in force); "
        f"{summary.published:,} records republished."
    )
