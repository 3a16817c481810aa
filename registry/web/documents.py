"""Printable documents of the dormant procedure: the HTML print view and its PDF.

Notices and decision letters are published documents, so no sign-in is needed. The ETag
is a hash of the print view's HTML (cheap to render), so a client that has the current PDF
gets a 304 without WeasyPrint running again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, url_for

from registry import context
from registry.deregistration import documents
from registry.deregistration.rules import DormantRules
from registry.extensions import db

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="templates")

#: published documents change rarely (a decision's certificate outcome); revalidate soon
CACHE_CONTROL = "public, max-age=300"


def _rules() -> DormantRules:
    return DormantRules.from_settings(context.settings())


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int) -> Response:
    doc = documents.notice_document(db.session, notice_id, _rules(), context.clock().today())
    return _html(doc, url_for(".notice_pdf", notice_id=notice_id))


@bp.get("/notices/<int:notice_id>.pdf")
def notice_pdf(notice_id: int) -> Response:
    doc = documents.notice_document(db.session, notice_id, _rules(), context.clock().today())
    return _pdf(doc)


@bp.get("/decisions/<int:decision_id>")
def decision(decision_id: int) -> Response:
    doc = documents.decision_document(db.session, decision_id, _rules())
    return _html(doc, url_for(".decision_pdf", decision_id=decision_id))


@bp.get("/decisions/<int:decision_id>.pdf")
def decision_pdf(decision_id: int) -> Response:
    doc = documents.decision_document(db.session, decision_id, _rules())
    return _pdf(doc)


def _render(doc: documents.Document, pdf_url: str | None) -> str:
    return render_template(f"documents/{doc.template}", doc=doc, pdf_url=pdf_url)


def _html(doc: documents.Document, pdf_url: str) -> Response:
    html = _render(doc, pdf_url)
    return _conditional(_etag(html, "html"), lambda: Response(html, mimetype="text/html"))


def _pdf(doc: documents.Document) -> Response:
    html = _render(doc, None)

    def make() -> Response:
        response = Response(documents.render_pdf(html), mimetype="application/pdf")
        # RFC 6266: an ASCII name for old clients, the document number for the rest.
        response.headers["Content-Disposition"] = (
            f"inline; filename=\"{doc.ascii_filename}\"; filename*=UTF-8''{quote(doc.filename)}"
        )
        return response

    return _conditional(_etag(html, "pdf"), make)


def _etag(html: str, form: str) -> str:
    return hashlib.sha256(f"{form}\n{html}".encode()).hexdigest()[:32]


def _conditional(etag: str, make: Callable[[], Response]) -> Response:
    # A client holding the current version gets a 304 without the PDF being made again.
    response = Response(status=304) if request.if_none_match.contains(etag) else make()
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
