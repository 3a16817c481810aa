from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from registry import context
from registry.apikeys.models import ApiKeyTier
from registry.apikeys.services import ApiKeyService
from registry.errors import DomainError
from registry.extensions import db


@click.group("apikeys", help="API keys for the open-data API (higher rate limits).")
def apikeys_cli() -> None:
    pass


def _service() -> ApiKeyService:
    return ApiKeyService(db.session, context.clock())


@apikeys_cli.command("create")
@click.argument("name")
@click.option(
    "--tier",
    type=click.Choice([t.value for t in ApiKeyTier]),
    default=ApiKeyTier.STANDARD.value,
    show_default=True,
)
@click.option(
    "--expires-days",
    type=click.IntRange(min=1, max=3650),
    default=None,
    help="Expire after this many days  [default: never]",
)
@with_appcontext
def create(name: str, tier: str, expires_days: int | None) -> None:
    """Issue a key and print its secret, once."""
    service = _service()
    expires_at = context.clock().now() + timedelta(days=expires_days) if expires_days else None
    try:
        key, secret = service.issue(name, tier, expires_at)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    until = f"expires {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else "no expiry"
    click.echo(f"API key {key.prefix} for {key.name!r} ({key.tier.value} tier, {until}).")
    click.echo(
        "Warning: the secret is shown only this once and cannot be recovered; "
        "hand it over now. Clients send it in the X-API-Key header.",
        err=True,
    )
    click.echo(secret)


@apikeys_cli.command("list")
@with_appcontext
def list_keys() -> None:
    """Every key, by prefix: never the secret."""
    service = _service()
    keys = service.all()
    if not keys:
        click.echo("No API keys.")
        return
    click.echo(
        f"{'prefix':<8}  {'tier':<8}  {'state':<7}  {'created':<10}  {'last used':<10}  name"
    )
    for key in keys:
        if key.revoked_at is not None:
            state = "revoked"
        elif not service.is_live(key):
            state = "expired"
        else:
            state = "live"
        used = f"{key.last_used_at:%Y-%m-%d}" if key.last_used_at else "never"
        click.echo(
            f"{key.prefix:<8}  {key.tier.value:<8}  {state:<7}  "
            f"{key.created_at:%Y-%m-%d}  {used:<10}  {key.name}"
        )


@apikeys_cli.command("revoke")
@click.argument("prefix")
@with_appcontext
def revoke(prefix: str) -> None:
    """Revoke the key with this prefix; requests with it get 401 from now on."""
    try:
        key = _service().revoke(prefix)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Revoked API key {key.prefix} ({key.name}).")
