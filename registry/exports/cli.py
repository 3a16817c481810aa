from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.errors import DomainError
from registry.exports.datasets import DATASETS
from registry.exports.services import (
    FORMATS,
    ExportService,
    FileReport,
    export_directory,
    export_licence,
)
from registry.extensions import db


@click.group("export", help="Bulk data files: CSV, JSON Lines and Parquet, with a manifest.")
def export_cli() -> None:
    pass


@export_cli.command("run")
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    metavar="NAME",
    help=f"Only this dataset (repeatable): {', '.join(DATASETS)}. Default: all of them.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Only this format (repeatable). Default: all of them.",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write  [default: EXPORT_DIR, or exports/ in the instance folder]",
)
@with_appcontext
def run(datasets: tuple[str, ...], formats: tuple[str, ...], directory: Path | None) -> None:
    """Write every public dataset from one snapshot of the register, then the manifest.

    Files are replaced atomically: readers see the old generation or the new one.
    """
    from tqdm import tqdm

    directory = directory or export_directory(current_app)
    service = ExportService(
        db.session, current_app.extensions["registry.clock"], directory, export_licence()
    )
    bars: dict[str, tqdm] = {}
    reports: list[FileReport] = []

    def progress(label: str, done: int, total: int) -> None:
        # One bar per pass, each closed when the next begins, so that they never interleave.
        if label not in bars:
            for bar in bars.values():
                bar.close()
            bars[label] = tqdm(total=total, desc=label, unit=" rows", leave=False)
        bar = bars[label]
        bar.update(done - bar.n)

    started = time.perf_counter()
    try:
        manifest = service.run(
            list(datasets) or None, formats or FORMATS, progress=progress, on_file=reports.append
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        for bar in bars.values():
            bar.close()
    click.echo(describe(reports))
    click.echo(
        f"Wrote {len(reports)} files to {directory} in {time.perf_counter() - started:.1f} s; "
        f"mirrors follow /api/v1/changes?since={manifest['feed_cursor']} from here."
    )


def describe(reports: list[FileReport]) -> str:
    lines = [f"{'file':<36} {'rows':>11} {'bytes':>15} {'seconds':>8} {'rows/s':>10}"]
    for report in reports:
        rate = report.rows / report.seconds if report.seconds else 0
        lines.append(
            f"{report.path.name:<36} {report.rows:>11,} {report.bytes:>15,} "
            f"{report.seconds:>8.2f} {rate:>10,.0f}"
        )
    return "\n".join(lines)
