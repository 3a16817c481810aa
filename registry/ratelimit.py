"""Rate limits of the public API (Flask-Limiter).

Anonymous clients are counted per IP, clients with an `X-API-Key` per key, with their
tier's limits. Counters live in Redis when REDIS_URL is set (shared by every worker),
else in each process's memory. Pages, /healthz, the docs page and the officers' API are
never limited; the results page's download (/search.csv) is data like the API's
downloads, and counts against the same budget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from limits import parse_many
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from registry.apikeys.models import ApiKeyTier
from registry.apikeys.services import ApiKeyService
from registry.clock import Clock
from registry.config import Settings
from registry.extensions import db

API_KEY_HEADER = "X-API-Key"
ANONYMOUS = "anonymous"
# The officers' API answers signed-in officers only: the open-data budgets are not theirs
# (a whole department behind one NAT address would share the anonymous one), and an
# unauthenticated call gets a 401 after one indexed lookup of a 238-bit token.
_EXEMPT_PREFIXES = ("/api/docs", "/api/v1/officer/")
#: pages that serve the API's data in bulk
_DATA_PAGES = frozenset({"/search.csv"})
_ENVIRON_KEY = "registry.rate_limit_client"


@dataclass(frozen=True)
class Client:
    """Who a request counts against."""

    identity: str  # "ip:203.0.113.7" or "key:42"
    tier: str  # anonymous, standard or partner
    #: an X-API-Key was sent that is unknown, expired or revoked: answered with 401
    bad_key: bool = False


def init_rate_limits(app: Flask) -> Limiter:
    settings: Settings = app.extensions["registry.settings"]
    limits = {
        ANONYMOUS: settings.rate_limit_anonymous,
        ApiKeyTier.STANDARD.value: settings.rate_limit_key,
        ApiKeyTier.PARTNER.value: settings.rate_limit_partner,
    }
    for value in limits.values():
        parse_many(value)  # a typo in the environment fails at start, not on a request
    storage = settings.redis_url or "memory://"
    limiter = Limiter(
        key_func=lambda: current_client().identity,
        # One budget per client across the whole API, not one per endpoint.
        application_limits=[
            ApplicationLimit(lambda: limits[current_client().tier], error_message=_message)
        ],
        storage_uri=storage,
        storage_options={"socket_connect_timeout": 2} if storage.startswith("redis") else {},
        # A Redis outage degrades to per-process counting instead of failing requests.
        in_memory_fallback_enabled=storage != "memory://",
        key_prefix=settings.rate_limit_key_prefix,
        strategy="fixed-window",
        # Flask-Limiter's own headers give Reset as a timestamp and Retry-After on every
        # response; the API documents seconds, so _headers below writes them.
        headers_enabled=False,
        # Unrouted /api/ paths count too (the default identifier exempts them).
        request_identifier=lambda: request.endpoint or "api",
        enabled=rate_limits_enabled(settings),
    )

    # The key is looked up before the limiter's hook: inside it, a database error would
    # pass for a storage outage. A bad key is refused after it: guessing spends the IP's
    # budget.
    app.before_request(_identify)
    limiter.init_app(app)
    limiter.request_filter(lambda: not limited_request())
    app.before_request(_reject_bad_key)
    if limiter.enabled:
        app.after_request(lambda response: _headers(limiter, limits, response))
    app.extensions["registry.limiter"] = limiter
    return limiter


def rate_limits_enabled(settings: Settings) -> bool:
    if settings.rate_limit_enabled is None:
        return not settings.testing
    return settings.rate_limit_enabled


def limited_request() -> bool:
    path = request.path
    return (
        (path.startswith("/api/") and not path.startswith(_EXEMPT_PREFIXES)) or path in _DATA_PAGES
    ) and request.method != "OPTIONS"  # preflights carry no key: they spend no budget


def current_client() -> Client:
    # Kept with the request, not in g: g belongs to the app context, which tests and
    # CLI commands keep across requests.
    client = request.environ.get(_ENVIRON_KEY)
    if client is None:
        client = request.environ[_ENVIRON_KEY] = _resolve()
    return client


def _identify() -> None:
    if limited_request():
        current_client()


def _reject_bad_key() -> None:
    if limited_request() and current_client().bad_key:
        raise Unauthorized(
            description=(
                f"The {API_KEY_HEADER} header holds no valid key: it is unknown, expired or "
                "revoked. Send no key to use the anonymous limits."
            ),
            www_authenticate=WWWAuthenticate("ApiKey", {"header": API_KEY_HEADER}),
        )


def _resolve() -> Client:
    ip = f"ip:{_client_ip()}"
    secret = request.headers.get(API_KEY_HEADER)
    if secret is None:
        return Client(ip, ANONYMOUS)
    clock: Clock = current_app.extensions["registry.clock"]
    key = ApiKeyService(db.session, clock).verify(secret.strip())
    if key is None:
        return Client(ip, ANONYMOUS, bad_key=True)
    client = Client(f"key:{key.id}", key.tier.value)
    if db.session.dirty:
        db.session.commit()  # last_used_at
    return client


def _client_ip() -> str:
    settings: Settings = current_app.extensions["registry.settings"]
    if settings.trusted_proxy:
        # The proxy appends the address it saw: the last entry is the one it vouches
        # for; anything before it was sent by the client and could be forged.
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.remote_addr or "unknown"


def _message() -> str:
    return (
        "Too many requests from this client: wait Retry-After seconds, or ask for an API key "
        f"({API_KEY_HEADER}) for higher limits."
    )


def _headers(limiter: Limiter, limits: dict[str, str], response: Response) -> Response:
    states = limiter.current_limits
    if not states:
        return response
    # The limit that binds: the breached one, else the one closest to running out.
    binding = min(states, key=lambda s: (not s.breached, s.remaining))
    reset = _seconds_until(binding)
    response.headers["RateLimit-Limit"] = str(binding.limit.amount)
    response.headers["RateLimit-Remaining"] = str(max(binding.remaining, 0))
    response.headers["RateLimit-Reset"] = str(reset)
    response.headers["RateLimit-Policy"] = ", ".join(
        f"{item.amount};w={item.get_expiry()}" for item in parse_many(limits[current_client().tier])
    )
    if response.status_code == 429:
        response.headers["Retry-After"] = str(reset)
    return response


def _seconds_until(state: RequestLimit) -> int:
    reset_at, _remaining = state.window
    return max(math.ceil(reset_at - time.time()), 1)
