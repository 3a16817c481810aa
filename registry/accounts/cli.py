"""`flask --app wsgi accounts ...`: the first admin, tokens for scripts, the list."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from registry import context
from registry.accounts.models import OfficerRole
from registry.accounts.rules import Actor
from registry.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, AccountService
from registry.errors import DomainError
from registry.extensions import db

accounts_cli = AppGroup("accounts", help="Officers' accounts and API tokens.")

#: the CLI acts with the operator's shell access, so it may do what an admin anywhere may
CLI = Actor.system("cli")


def _service() -> AccountService:
    return AccountService(db.session, context.clock())


def _password(given: str | None) -> str:
    if given:
        return given
    from_env = os.environ.get("REGISTRY_PASSWORD")
    if from_env:
        return from_env
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@accounts_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="The officer's full name")
@click.option("--authority", required=True, help="The authority's six-digit code")
@click.option(
    "--role", type=click.Choice([r.value for r in OfficerRole]), required=True, help="Role"
)
@click.option(
    "--password",
    default=None,
    help="Else REGISTRY_PASSWORD, else asked (prefer those: options land in shell history)",
)
def create(username: str, full_name: str, authority: str, role: str, password: str | None) -> None:
    """Create an officer's account (the first admin is made this way)."""
    try:
        officer = _service().create_officer(
            CLI, username, full_name, authority, role, _password(password)
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"Created {officer.role.value} {officer.username} ({officer.full_name}) "
        f"of {officer.authority.name} {officer.authority.code}."
    )


@accounts_cli.command("token")
@click.option("--username", required=True, help="The officer the token is for")
@click.option("--name", required=True, help="What it is for, e.g. 'report intake script'")
@click.option(
    "--days",
    type=click.IntRange(1, TOKEN_MAX_DAYS),
    default=TOKEN_DEFAULT_DAYS,
    show_default=True,
)
def token(username: str, name: str, days: int) -> None:
    """Issue an API token for an officer and print its secret, once."""
    service = _service()
    try:
        officer = service.get(username)
        issued, secret = service.issue_token(CLI, name, days, for_officer=officer)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"Token {issued.prefix} for {officer.username} ({issued.name!r}), "
        f"expires {issued.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    click.echo(
        "Warning: the secret is shown only this once and cannot be recovered. "
        "Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )
    click.echo(secret)


@accounts_cli.command("list")
def list_accounts() -> None:
    """Every account: never a password hash."""
    officers = _service().list_officers(CLI)
    if not officers:
        click.echo("No accounts.")
        return
    now = context.clock().now()
    click.echo(f"{'username':<20}  {'role':<8}  {'authority':<9}  {'state':<8}  name")
    for officer in officers:
        locked = officer.locked_until
        if locked is not None and locked.tzinfo is None:
            locked = locked.replace(tzinfo=now.tzinfo)
        if not officer.is_active:
            state = "inactive"
        elif locked is not None and locked > now:
            state = "locked"
        else:
            state = "active"
        click.echo(
            f"{officer.username:<20}  {officer.role.value:<8}  {officer.authority.code:<9}  "
            f"{state:<8}  {officer.full_name}"
        )
