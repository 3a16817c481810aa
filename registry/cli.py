"""Wires every domain's commands into `flask --app wsgi ...`."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from registry.accounts.cli import accounts_cli
    from registry.apikeys.cli import apikeys_cli
    from registry.audit.cli import audit_cli
    from registry.credit.cli import credit_cli
    from registry.demo.cli import demo_cli
    from registry.deregistration.cli import dormant_cli
    from registry.divisions.cli import divisions_cli
    from registry.exports.cli import export_cli
    from registry.organisations.cli import uscc_cli
    from search.cli import search_cli

    app.cli.add_command(uscc_cli)
    app.cli.add_command(divisions_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(apikeys_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(credit_cli)
    app.cli.add_command(dormant_cli)
