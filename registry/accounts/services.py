"""Officers' accounts: passwords, sign-in throttling, API tokens.

Passwords are hashed with argon2id (the parameters live in the hash string, so stronger
settings later rehash on the next sign-in). API tokens are high-entropy secrets kept as a
sha256 hash and a short prefix: a slow hash would protect nothing there and cost every
request.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import math
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import ApiToken, Officer, OfficerRole
from registry.accounts.rules import Action, Actor, authorize, is_within, read_prefix
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock
from registry.errors import Forbidden, InvalidRecord, NotFound, TooManyAttempts, Unauthenticated

log = logging.getLogger(__name__)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # argon2 takes anything, but a megabyte "password" is a DoS, not a secret
FULL_NAME_MAX = 100
TOKEN_NAME_MAX = 200

TOKEN_SCHEME = "rgo_"
# Letters and digits only: a secret never starts with "-" (a CLI option) nor needs escaping.
_ALPHABET = string.ascii_letters + string.digits
TOKEN_RANDOM_LENGTH = 40  # ≈ 238 bits
TOKEN_LENGTH = len(TOKEN_SCHEME) + TOKEN_RANDOM_LENGTH
TOKEN_PREFIX_LENGTH = 12  # "rgo_" and 8 random characters
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
#: last_used_at is written at most this often, so that a busy script doesn't write on every call
TOUCH_INTERVAL = timedelta(minutes=5)

#: one message for an unknown user and a wrong password, so that sign-in tells no one
#: which usernames exist
BAD_CREDENTIALS = "用户名或密码错误。Wrong username or password."


@dataclass(frozen=True)
class AccountPolicy:
    """The configurable parts: sign-in throttling and the cost of password hashing."""

    max_failures: int = 5
    lock_minutes: int = 15
    #: cheap argon2 parameters, for tests only
    fast_hashing: bool = False

    @classmethod
    def current(cls) -> AccountPolicy:
        """The running app's settings; the defaults outside an app."""
        from flask import current_app, has_app_context

        if not has_app_context():
            return cls()
        settings = current_app.extensions["registry.settings"]
        fast = settings.password_hash_fast
        return cls(
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
            fast_hashing=settings.testing if fast is None else fast,
        )


# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
_STRONG = PasswordHasher()
_FAST = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def password_hasher(fast: bool = False) -> PasswordHasher:
    return _FAST if fast else _STRONG


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_SCHEME + "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_RANDOM_LENGTH))


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the register writes them all in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def officer_record(officer: Officer) -> dict[str, Any]:
    """What the audit trail and the API may show of an account: never the hash, nor the
    sign-in counters."""
    return {
        "username": officer.username,
        "full_name": officer.full_name,
        "authority_code": officer.authority.code,
        "role": officer.role.value,
        "is_active": officer.is_active,
    }


def token_record(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "officer": token.officer.username,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def _field_error(field: str, message: str) -> InvalidRecord:
    return InvalidRecord(f"{field}: {message}", errors=[{"field": field, "message": message}])


def check_password(password: str, username: str = "") -> None:
    """The password policy: 10 to 256 characters, and not the username."""
    if len(password) < PASSWORD_MIN:
        raise _field_error(
            "password",
            f"密码至少{PASSWORD_MIN}位。A password needs at least {PASSWORD_MIN} characters.",
        )
    if len(password) > PASSWORD_MAX:
        raise _field_error("password", f"a password has at most {PASSWORD_MAX} characters")
    if username and password.strip().lower() == username.lower():
        raise _field_error("password", "the password must not be the username")


class AccountService:
    def __init__(self, session: Session, clock: Clock, policy: AccountPolicy | None = None) -> None:
        self.session = session
        self.clock = clock
        self.policy = policy or AccountPolicy.current()
        self.hasher = password_hasher(self.policy.fast_hashing)
        self.audit = AuditTrail(session, clock)

    # -- accounts -------------------------------------------------------------------------

    def actor_for(self, officer: Officer) -> Actor:
        return Actor(
            username=officer.username,
            role=officer.role,
            authority_code=officer.authority.code,
            officer_id=officer.id,
            authority_id=officer.authority_id,
        )

    def find(self, username: str) -> Officer | None:
        return self.session.scalar(
            select(Officer).where(Officer.username == username.strip().lower())
        )

    def get(self, username: str) -> Officer:
        officer = self.find(username)
        if officer is None:
            raise NotFound(f"no officer with username {username!r}", username=username)
        return officer

    def get_by_id(self, officer_id: int) -> Officer | None:
        return self.session.get(Officer, officer_id)

    def create_officer(
        self,
        actor: Actor,
        username: str,
        full_name: str,
        authority_code: str,
        role: OfficerRole | str,
        password: str,
    ) -> Officer:
        """A new account. Admins create accounts for their own authority and those below
        it; the CLI (a system actor) for any, which is how the first admin is made."""
        username = (username or "").strip().lower()
        if not USERNAME.match(username):
            raise _field_error(
                "username",
                "3 to 64 characters: lowercase letters, digits, '.', '_' or '-', "
                "starting with a letter or digit",
            )
        full_name = (full_name or "").strip()
        if not full_name or len(full_name) > FULL_NAME_MAX:
            raise _field_error("full_name", f"a name of 1 to {FULL_NAME_MAX} characters")
        role = self._role(role)
        authority = self._authority(authority_code)
        self._authorize_manage(actor, authority.code)
        check_password(password, username)
        if self.find(username) is not None:
            raise _field_error("username", f"the username {username!r} is already taken")
        officer = Officer(
            username=username,
            full_name=full_name,
            authority=authority,
            role=role,
            password_hash=self.hasher.hash(password),
            is_active=True,
            failed_logins=0,
            created_at=self.clock.now(),
        )
        self.session.add(officer)
        self.session.flush()
        self.audit.record(
            actor, "account.create", "officer", username, after=officer_record(officer)
        )
        return officer

    def update_officer(
        self,
        actor: Actor,
        username: str,
        *,
        role: OfficerRole | str | None = None,
        is_active: bool | None = None,
        password: str | None = None,
        full_name: str | None = None,
    ) -> Officer:
        """Change an account (admins, within their jurisdiction). Deactivating keeps the
        tokens but refuses them, and refuses sign-in, until the account is reactivated."""
        officer = self.get(username)
        self._authorize_manage(actor, officer.authority.code)
        if actor.officer_id == officer.id and (
            is_active is False or (role is not None and self._role(role) != officer.role)
        ):
            raise InvalidRecord(
                "an admin cannot deactivate or demote their own account; ask another admin"
            )
        before = officer_record(officer)
        if role is not None:
            officer.role = self._role(role)
        if full_name is not None:
            full_name = full_name.strip()
            if not full_name or len(full_name) > FULL_NAME_MAX:
                raise _field_error("full_name", f"a name of 1 to {FULL_NAME_MAX} characters")
            officer.full_name = full_name
        if is_active is not None:
            officer.is_active = is_active
        after = officer_record(officer)
        if password is not None:
            check_password(password, officer.username)
            officer.password_hash = self.hasher.hash(password)
            # A new password is a fresh start: an admin resetting it also unlocks.
            officer.failed_logins = 0
            officer.locked_until = None
            after["password_changed"] = True
        self.session.flush()
        self.audit.record(actor, "account.update", "officer", officer.username, before, after)
        return officer

    def list_officers(
        self, actor: Actor, after: str | None = None, limit: int | None = None
    ) -> list[Officer]:
        """The accounts an admin manages (their authority's and those below it), by
        username; `after` a username for the next page."""
        authorize(actor, Action.ACCOUNT_MANAGE, actor.authority_code or "")
        query = select(Officer).join(Officer.authority).order_by(Officer.username)
        if not actor.is_system:
            prefix = read_prefix(actor.authority_code or "")
            query = query.where(RegistrationAuthority.code.startswith(prefix, autoescape=True))
        if after is not None:
            query = query.where(Officer.username > after)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query).unique())

    # -- signing in -----------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> Officer:
        """The officer with this username and password, or Unauthenticated (one message
        for an unknown user and a wrong password) or TooManyAttempts (locked).

        Failures are counted on the account and audited: the caller commits them even
        when this raises.
        """
        now = self.clock.now()
        officer = self.find(username or "")
        if officer is None:
            # Spend the same time as for a real account, so timing tells nothing either.
            _dummy_verify(self.hasher, password)
            log.info("sign-in refused: unknown username")
            raise Unauthenticated(BAD_CREDENTIALS)

        locked_until = _aware(officer.locked_until)
        if locked_until is not None:
            if now < locked_until:
                raise self._locked(locked_until)
            officer.locked_until = None  # the lock has run out: a fresh allowance
            officer.failed_logins = 0

        if not self._password_matches(officer, password):
            officer.failed_logins = (officer.failed_logins or 0) + 1
            actor = Actor.system("sign-in")
            self.audit.record(
                actor,
                "account.login_failed",
                "officer",
                officer.username,
                after={"failed_logins": officer.failed_logins},
            )
            if officer.failed_logins >= self.policy.max_failures:
                officer.locked_until = now + timedelta(minutes=self.policy.lock_minutes)
                self.audit.record(
                    actor,
                    "account.locked",
                    "officer",
                    officer.username,
                    after={
                        "failed_logins": officer.failed_logins,
                        "locked_until": officer.locked_until,
                    },
                )
                self.session.flush()
                raise self._locked(officer.locked_until)
            self.session.flush()
            raise Unauthenticated(BAD_CREDENTIALS)

        if not officer.is_active:
            # Only someone who knows the password learns this.
            raise Unauthenticated(
                "账户已停用，请联系管理员。This account is deactivated; ask your administrator."
            )
        officer.failed_logins = 0
        officer.last_login_at = now
        if self.hasher.check_needs_rehash(officer.password_hash):
            officer.password_hash = self.hasher.hash(password)
        self.session.flush()
        return officer

    def _password_matches(self, officer: Officer, password: str) -> bool:
        if not password or len(password) > PASSWORD_MAX:
            return False
        try:
            return self.hasher.verify(officer.password_hash, password)
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError):
            log.warning("officer %s has an unreadable password hash", officer.username)
            return False

    def _locked(self, until: datetime) -> TooManyAttempts:
        seconds = max(math.ceil((until - self.clock.now()).total_seconds()), 1)
        minutes = math.ceil(seconds / 60)
        return TooManyAttempts(
            f"登录失败次数过多，账户已锁定，请{minutes}分钟后再试。Too many failed sign-ins: "
            f"the account is locked for {minutes} more minute(s).",
            retry_after=seconds,
        )

    # -- API tokens -----------------------------------------------------------------------

    def issue_token(
        self,
        actor: Actor,
        name: str,
        expires_in_days: int = TOKEN_DEFAULT_DAYS,
        *,
        for_officer: Officer | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token for the acting officer (or, from the CLI, for `for_officer`) and its
        secret: the secret is not stored and cannot be shown again."""
        officer = self._token_holder(actor, for_officer)
        name = (name or "").strip()
        if not name or len(name) > TOKEN_NAME_MAX:
            raise _field_error("name", f"a token needs a name of 1 to {TOKEN_NAME_MAX} characters")
        if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
            raise _field_error(
                "expires_in_days",
                f"a token lives 1 to {TOKEN_MAX_DAYS} days, not {expires_in_days}",
            )
        while True:
            secret = new_token_secret()
            prefix = secret[:TOKEN_PREFIX_LENGTH]
            if self.session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
                break
        now = self.clock.now()
        token = ApiToken(
            officer=officer,
            name=name,
            prefix=prefix,
            token_hash=hash_token(secret),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        self.session.add(token)
        self.session.flush()
        self.audit.record(actor, "token.issue", "api_token", token.id, after=token_record(token))
        return token, secret

    def verify_token(self, secret: str) -> Officer:
        """The officer holding this live token, its use noted; Unauthenticated otherwise."""
        secret = (secret or "").strip()
        if len(secret) != TOKEN_LENGTH or not secret.startswith(TOKEN_SCHEME):
            raise Unauthenticated("the bearer token is malformed: officer tokens start with rgo_")
        token = self.session.scalar(
            select(ApiToken).where(ApiToken.prefix == secret[:TOKEN_PREFIX_LENGTH])
        )
        if token is None or not hmac.compare_digest(token.token_hash, hash_token(secret)):
            raise Unauthenticated("unknown bearer token")
        now = self.clock.now()
        if token.revoked_at is not None:
            raise Unauthenticated(f"the token {token.prefix} has been revoked")
        if _aware(token.expires_at) <= now:
            raise Unauthenticated(f"the token {token.prefix} has expired; issue a new one")
        if not token.officer.is_active:
            raise Unauthenticated("the token's account is deactivated")
        last_used = _aware(token.last_used_at)
        if last_used is None or now - last_used >= TOUCH_INTERVAL:
            token.last_used_at = now
        return token.officer

    def revoke_token(self, actor: Actor, token_id: int) -> ApiToken:
        """Revoke one of the actor's own tokens, or, for an admin, a token of an officer
        within their jurisdiction. Revoking twice is harmless."""
        token = self.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(f"no API token {token_id}", id=token_id)
        if actor.officer_id != token.officer_id:
            self._authorize_manage(actor, token.officer.authority.code)
        if token.revoked_at is None:
            before = token_record(token)
            token.revoked_at = self.clock.now()
            self.session.flush()
            self.audit.record(
                actor, "token.revoke", "api_token", token.id, before, token_record(token)
            )
        return token

    def list_tokens(self, actor: Actor, username: str | None = None) -> list[ApiToken]:
        """The actor's own tokens; an admin may ask for an officer's in their jurisdiction."""
        if username is None or (username.strip().lower() == actor.username):
            if actor.officer_id is None:
                raise InvalidRecord("a system actor has no tokens of its own; name an officer")
            officer_id = actor.officer_id
        else:
            officer = self.get(username)
            self._authorize_manage(actor, officer.authority.code)
            officer_id = officer.id
        return list(
            self.session.scalars(
                select(ApiToken)
                .where(ApiToken.officer_id == officer_id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            ).unique()
        )

    def token_state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        if _aware(token.expires_at) <= self.clock.now():
            return "expired"
        return "live"

    # -- helpers --------------------------------------------------------------------------

    def _token_holder(self, actor: Actor, for_officer: Officer | None) -> Officer:
        if for_officer is not None and for_officer.id != actor.officer_id:
            if not actor.is_system:
                raise Forbidden("officers issue tokens for themselves only")
            officer = for_officer
        else:
            if actor.officer_id is None:
                raise InvalidRecord("a system actor must name the officer the token is for")
            officer = self.session.get(Officer, actor.officer_id)
            if officer is None:
                raise Unauthenticated("the acting officer no longer exists")
        if not officer.is_active:
            raise InvalidRecord(f"the account {officer.username!r} is deactivated")
        return officer

    def _authorize_manage(self, actor: Actor, authority_code: str) -> None:
        """Admins manage accounts of their own authority and the authorities below it."""
        if actor.is_system:
            return
        # The role check (the authority is the admin's own, so only the role can fail).
        authorize(actor, Action.ACCOUNT_MANAGE, actor.authority_code or "")
        if actor.authority_code is None or not is_within(authority_code, actor.authority_code):
            raise Forbidden(
                f"admins of {actor.authority_code} manage the accounts of their own and "
                f"subordinate authorities, not {authority_code}'s",
                action=Action.ACCOUNT_MANAGE.value,
                authority=authority_code,
            )

    def _authority(self, code: str) -> RegistrationAuthority:
        authority = self.session.scalar(
            select(RegistrationAuthority).where(RegistrationAuthority.code == (code or "").strip())
        )
        if authority is None:
            raise _field_error("authority_code", f"no registration authority with code {code!r}")
        return authority

    @staticmethod
    def _role(role: OfficerRole | str) -> OfficerRole:
        try:
            return OfficerRole(role)
        except ValueError:
            allowed = ", ".join(r.value for r in OfficerRole)
            raise _field_error("role", f"unknown role {role!r}; one of {allowed}") from None


_DUMMY_HASHES: dict[int, str] = {}


def _dummy_verify(hasher: PasswordHasher, password: str) -> None:
    key = id(hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_hex(16))
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASHES[key], (password or "x")[:PASSWORD_MAX])
