from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from registry import context


@click.group("uscc", help="Unified social credit codes (GB 32100-2015).")
def uscc_cli() -> None:
    pass


@uscc_cli.command("check")
@click.argument("codes", nargs=-1, required=True)
@click.option(
    "--kind",
    type=click.Choice(["social_group", "social_service_agency", "foundation"]),
    help="Also check position 2 against this kind.",
)
@with_appcontext
def check(codes: tuple[str, ...], kind: str | None) -> None:
    """Print one JSON object per code; exit 1 if any code is invalid."""
    service = context.organisations()
    all_valid = True
    for code in codes:
        result = service.check_uscc(code, kind)
        all_valid &= result.valid
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    sys.exit(0 if all_valid else 1)
