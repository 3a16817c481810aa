from __future__ import annotations

import click


@click.group("demo", help="Demo data.")
def demo_cli() -> None:
    pass
