"""/api/v1/exports: the bulk files of the last export and their manifest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.conventions import set_last_modified
from openapi.resources.exports.schemas import FILENAME_PARAM, ManifestSchema
from registry.errors import NotFound
from registry.exports.services import MEDIA_TYPES, export_directory, read_manifest

bp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1/exports",
    description="Bulk downloads (批量下载): every dataset as CSV (UTF-8 with BOM), JSON Lines "
    "and Parquet, from one snapshot, with the change-feed cursor it stands at",
)

_BINARY = {"type": "string", "format": "binary"}


def current_manifest() -> dict[str, Any]:
    manifest = read_manifest(export_directory(current_app))
    if manifest is None:
        raise NotFound(
            "no bulk export has been generated yet: an operator runs `flask export run`; "
            "meanwhile the API's lists stream whole results with format=csv or format=jsonl"
        )
    return manifest


@bp.route("")
class Exports(MethodView):
    @bp.response(200, ManifestSchema)
    @bp.alt_response(404, description="No export has been generated yet")
    def get(self):
        """The manifest: each dataset's files, sizes, checksums, schema and feed cursor."""
        manifest = current_manifest()
        set_last_modified(datetime.fromisoformat(manifest["generated_at"]))
        for dataset in manifest["datasets"]:
            for file in dataset["files"]:
                file["url"] = url_for("exports.ExportFile", filename=file["path"])
        return manifest


@bp.route("/<string:filename>", parameters=[FILENAME_PARAM])
class ExportFile(MethodView):
    @bp.response(200, _BINARY, content_type="text/csv", description="The file")
    @bp.alt_response(200, schema=_BINARY, content_type=MEDIA_TYPES["jsonl"], success=True)
    @bp.alt_response(200, schema=_BINARY, content_type=MEDIA_TYPES["parquet"], success=True)
    @bp.alt_response(404, description="No such file in the current export")
    def get(self, filename: str):
        """One bulk file, resumable (Range) and cacheable (ETag, If-None-Match)."""
        # Only names the manifest lists are served: nothing else in the folder, no paths.
        listed = {
            file["path"]: file["format"]
            for dataset in current_manifest()["datasets"]
            for file in dataset["files"]
        }
        if filename not in listed:
            raise NotFound(f"the current export has no file {filename}; see /api/v1/exports")
        try:
            return send_file(
                export_directory(current_app) / filename,
                # Werkzeug adds the charset of text/csv itself.
                mimetype=MEDIA_TYPES[listed[filename]].split(";")[0],
                as_attachment=True,
                download_name=filename,
                conditional=True,
                etag=True,
                max_age=60,
            )
        except FileNotFoundError:  # removed by an export finishing right now
            raise NotFound(f"{filename} was just replaced; fetch the manifest again") from None
