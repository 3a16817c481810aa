"""The public open-data API (flask-smorest): resources, schemas, pagination, the committed spec."""

from __future__ import annotations

import http
from pathlib import Path

from flask import Flask, send_from_directory
from flask_smorest import Api as _Api
from marshmallow import INCLUDE, Schema, fields

SPEC_FILE = Path(__file__).with_name("openapi.json")

DESCRIPTION = """\
Open data of the register of social organisations and charities (社会组织登记信息开放数据).

* **No key needed.** Anonymous clients are rate-limited per IP; an API key (header
  `X-API-Key`) raises the limits. Each response carries `RateLimit-Limit`,
  `RateLimit-Remaining` and `RateLimit-Reset`; a 429 says when to retry (`Retry-After`).
* **Errors** are `application/problem+json` (RFC 9457); 422 lists every field error.
* **Lists** page with an opaque `cursor` (keyset, stable while the register changes);
  the next page's URL is in the body (`next`) and in the `Link` header. `format=csv`
  or `format=jsonl` streams the whole filtered result.
* **Caching**: strong `ETag` (send `If-None-Match` for a 304) and `Last-Modified`.
* **Mirroring**: download a bulk export (its manifest names the feed cursor it stands
  at), then follow `/api/v1/changes?since=CURSOR`, applying each entry's record when its
  `version` is newer than yours.
* Field names are the same in the API, the bulk files and the pages.
"""


PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457 problem details, as registry.web.errors renders every error."""

    class Meta:
        ordered = True
        unknown = INCLUDE  # a problem type may add members (RFC 9457 §3.2)

    type = fields.String(required=True, metadata={"description": "URI of the problem type"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True, metadata={"description": "The request's path"})
    request_id = fields.String(allow_none=True, metadata={"description": "Quote it when asking"})
    errors = fields.Raw(metadata={"description": "The field errors, when there are some"})


class Api(_Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        # One handler for the whole app (registry.web.errors) renders problem+json.
        pass

    def _register_responses(self) -> None:
        # flask-smorest documents errors as application/json with its own schema; ours
        # are problem+json.
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": ProblemSchema}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            {
                "description": "Error (problem details)",
                "content": {PROBLEM_CONTENT_TYPE: {"schema": ProblemSchema}},
            },
            lazy=True,
        )


def init_api(app: Flask) -> Api:
    app.config.update(
        API_TITLE="Register of Social Organisations — open data API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="v1/openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Swagger UI's assets come from the flask-swagger-ui package, never a CDN.
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": DESCRIPTION,
                "license": {
                    "name": "CC BY 4.0",
                    "url": "https://creativecommons.org/licenses/by/4.0/",
                },
            },
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {
                    "ApiKey": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-API-Key",
                        "description": "Optional: raises the rate limits. An unknown, "
                        "expired or revoked key is refused with 401.",
                    },
                    "OfficerToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "Registration officers only (/api/v1/officer/...): "
                        "a personal token (rgo_…) issued with POST /api/v1/officer/tokens "
                        "or `flask accounts token`. Unknown, expired or revoked tokens and "
                        "deactivated accounts are refused with 401.",
                    },
                }
            },
            # Either no key at all or a key: anonymous use is the normal case.
            "security": [{}, {"ApiKey": []}],
        },
    )
    api = Api(app)

    import flask_swagger_ui

    assets = Path(flask_swagger_ui.__file__).parent / "dist"

    @app.get("/api/docs/assets/<path:filename>")
    def swagger_assets(filename: str):  # type: ignore[no-untyped-def]
        return send_from_directory(assets, filename, max_age=86400)

    from openapi.conventions import register_conventions
    from openapi.resources import register_resources

    register_resources(api)
    register_conventions(app)

    from openapi.auth import install as install_auth

    install_auth(app)
    return api
