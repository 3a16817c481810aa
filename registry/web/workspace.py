"""The officers' workspace: signing in and out (Flask-Login session, Flask-WTF CSRF), and
what its pages share: the signed-in officer as the services' Actor, the page helpers.

Pages under /workspace use a session cookie (HttpOnly, SameSite=Lax) and every unsafe
request to a page carries a CSRF token. The API under /api/ is not CSRF-checked here:
it authenticates with bearer tokens, and openapi.auth checks the token itself when a
signed-in browser writes through it.

The screens live in workspace_*.py modules on the same blueprint: the dashboard and its
piles in full, the report review, the dormant cases, the notices and the bulk actions.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_login import logout_user as _logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from registry import context
from registry.accounts.models import Officer, OfficerRole
from registry.accounts.rules import Actor
from registry.accounts.services import AccountService
from registry.charities.services import CharityService
from registry.config import Settings
from registry.deregistration.public import AT_RISK_FIELDS, DECISION_FIELDS, NOTICE_FIELDS
from registry.deregistration.services import CaseService
from registry.errors import TooManyAttempts, Unauthenticated
from registry.extensions import db
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.rules import DueDates
from registry.inspections.services import InspectionService
from registry.organisations.public import ORGANISATION_FIELDS
from registry.public import FieldSpec
from registry.web import workspace_labels

bp = Blueprint("workspace", __name__, url_prefix="/workspace", template_folder="templates")
login_manager = LoginManager()
csrf = CSRFProtect()

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

ROLE_NAMES = {
    OfficerRole.CLERK: ("办事员", "clerk"),
    OfficerRole.REVIEWER: ("审核员", "reviewer"),
    OfficerRole.HEAD: ("负责人", "head"),
    OfficerRole.ADMIN: ("管理员", "administrator"),
}


class SignedInOfficer(UserMixin):
    """Flask-Login's user: the officer, with a session id that a new password invalidates."""

    def __init__(self, officer: Officer) -> None:
        self.officer = officer

    def get_id(self) -> str:
        return f"{self.officer.id}:{_fingerprint(self.officer)}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.officer.is_active


def _fingerprint(officer: Officer) -> str:
    # Part of the session's user id: changing the password (or its rehash) signs out
    # every other browser.
    return hashlib.sha256(officer.password_hash.encode()).hexdigest()[:16]


@login_manager.user_loader
def _load_officer(user_id: str) -> SignedInOfficer | None:
    officer_id, _, fingerprint = user_id.partition(":")
    if not officer_id.isdigit():
        return None
    officer = db.session.get(Officer, int(officer_id))
    if officer is None or not officer.is_active or fingerprint != _fingerprint(officer):
        return None
    return SignedInOfficer(officer)


def init_workspace(app: Flask) -> None:
    settings: Settings = app.extensions["registry.settings"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        # CSRFProtect would check every POST, the API's too; pages are checked below.
        WTF_CSRF_CHECK_DEFAULT=False,
        # The token lives as long as the signed-in session, not one hour.
        WTF_CSRF_TIME_LIMIT=None,
    )
    login_manager.init_app(app)
    login_manager.login_view = "workspace.login"
    login_manager.login_message = "请先登录。Please sign in first."
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    # The screens register their routes on `bp` when imported; they import this module.
    from registry.web import (  # noqa: F401
        workspace_candidates,
        workspace_case_list,
        workspace_cases,
        workspace_dashboard,
        workspace_lists,
        workspace_notices,
        workspace_reports,
    )

    app.register_blueprint(bp)

    @app.before_request
    def _per_request() -> None:
        # Flask-Login keeps the user and Flask-WTF the CSRF token in g, which lives as
        # long as the app context; tests and CLI commands keep one across requests, so
        # each request starts afresh (registry/web/i18n.py does the same for the locale).
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        if request.method not in _SAFE_METHODS and not request.path.startswith("/api/"):
            csrf.protect()

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        detail = (
            "表单已过期或缺少安全令牌，请刷新页面后重试。"
            "The form has expired or lacks its security token: reload the page and try again."
        )
        return render_template(
            "error.html", status=400, title=error.description, detail=detail
        ), 400


@bp.after_request
def _private(response: Response) -> Response:
    # Officers' pages never sit in a shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


class LoginForm(FlaskForm):
    username = StringField(
        "用户名 Username",
        validators=[DataRequired("请输入用户名。Enter your username."), Length(max=64)],
    )
    password = PasswordField(
        "密码 Password",
        validators=[DataRequired("请输入密码。Enter your password."), Length(max=256)],
    )


def _service() -> AccountService:
    return AccountService(db.session, current_app.extensions["registry.clock"])


def _safe_next(target: str | None) -> str:
    """Only back into the workspace: never an open redirect to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/workspace"):
            return target
    return url_for("workspace.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("workspace.home"))
    form = LoginForm()
    error: str | None = None
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        service = _service()
        try:
            officer = service.authenticate(form.username.data or "", form.password.data or "")
        except TooManyAttempts as refused:
            db.session.commit()  # the failure count and the lock outlive the refusal
            error, status = refused.message, 429
            headers["Retry-After"] = str(refused.details.get("retry_after", 60))
        except Unauthenticated as refused:
            db.session.commit()
            error = refused.message
        else:
            db.session.commit()
            next_page = _safe_next(request.args.get("next"))
            session.clear()  # nothing from before signing in carries over
            login_user(SignedInOfficer(officer))
            flash("登录成功。Signed in.")
            return redirect(next_page)
    elif request.method == "POST":
        status = 422
    form.password.data = ""  # the username is kept; the password never comes back
    html = render_template("workspace/login.html", form=form, error=error)
    return Response(html, status=status, headers=headers)


@bp.post("/logout")
def logout() -> Any:
    _logout_user()
    session.clear()
    flash("您已退出登录。You have signed out.")
    return redirect(url_for("workspace.login"))


# -- what the screens share ------------------------------------------------------------------


def current_actor() -> Actor:
    """The signed-in officer as the services' Actor (as openapi.auth builds it)."""
    return _service().actor_for(current_user.officer)


def inspections() -> InspectionService:
    settings = context.settings()
    return InspectionService(db.session, context.clock(), DueDates.from_settings(settings))


def cases() -> CaseService:
    return CaseService.from_settings(db.session, context.clock(), context.settings())


def charities() -> CharityService:
    return CharityService.from_settings(db.session, context.clock(), context.settings())


#: English labels where the spec's description lists values instead of naming the field
_EN_LABELS = {
    "kind": "Kind",
    "conclusion": "Conclusion",
    "state": "Stage",
    "criteria": "Criteria met",
    "due_on": "Due date",
    "certificate_outcome": "Certificate and seals",
}


def label(spec: FieldSpec) -> str:
    """A field's label in the page's language, from the API's description of it: the
    Chinese up to its colon (the rest lists values), the English without its asides."""
    if g.get("lang") != "en":
        return spec.description_zh.split("：")[0]
    if spec.name in _EN_LABELS:
        return _EN_LABELS[spec.name]
    return spec.description.split(" (")[0].split("; ")[0].split(": ")[0]


#: the public field specs the workspace's pages label their columns with
FIELDS: dict[str, dict[str, FieldSpec]] = {
    group: {spec.name: spec for spec in specs}
    for group, specs in {
        "inspection": INSPECTION_FIELDS,
        "organisation": ORGANISATION_FIELDS,
        "notice": NOTICE_FIELDS,
        "decision": DECISION_FIELDS,
        "at_risk": AT_RISK_FIELDS,
    }.items()
}


def field_label(group: str, name: str) -> str:
    """The label of the API's field `name` in `group` (FIELDS)."""
    return label(FIELDS[group][name])


@bp.context_processor
def _page_helpers() -> dict[str, Any]:
    signed_in = current_user.is_authenticated
    return {
        "label": label,
        "field": field_label,
        "officer": current_user.officer if signed_in else None,
        "role_names": ROLE_NAMES,
        "words": workspace_labels,
    }
