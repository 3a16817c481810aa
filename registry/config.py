"""One typed configuration object, read from the environment.

Every setting has a default that works on a laptop with no service running.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """Generated once and kept under instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    instance_path: Path
    redis_url: str | None = None
    elasticsearch_url: str | None = None
    search_backend: str = "database"
    elasticsearch_alias: str = "registry-organisations"
    #: deliver the change feed to Elasticsearch right after each commit (the relay's loop
    #: catches up on anything this misses)
    search_deliver_on_commit: bool = True
    # Annual-report due dates (month, day) of the year after the reported year;
    # configurable because provinces differ.
    report_due_social: tuple[int, int] = (5, 31)
    report_due_foundation: tuple[int, int] = (3, 31)
    public_notice_days: int = 60
    # The dormant-organisation procedure (DOMAIN.md, "Dormant organisations"); the
    # criteria detection applies (DORMANT_CRITERIA="missed_reports,unreachable").
    dormant_criteria: tuple[str, ...] = (
        "missed_reports",
        "no_activity",
        "unreachable",
        "long_abnormal",
    )
    dormant_missed_reports: int = 2
    dormant_inactive_months: int = 12
    dormant_contact_gap_days: tuple[int, int] = (20, 60)
    dormant_abnormal_months: int = 12
    hearing_request_days: int = 5
    certificate_return_days: int = 7
    review_days: int = 60
    lawsuit_months: int = 6
    #: the public at-risk list shows detected candidates without a case too
    at_risk_includes_candidates: bool = False
    #: the first report year whose missing report `credit run` lists (reports for 2017
    #: were the first due under the 2018 credit-information measures)
    credit_first_report_year: int = 2017
    #: rating grades and the lowest score of each, on a 1000-point scale; configurable
    #: because provinces score differently (RATING_BANDS="5A:900,4A:800,...")
    rating_bands: tuple[tuple[str, int], ...] = (
        ("5A", 900),
        ("4A", 800),
        ("3A", 700),
        ("2A", 600),
        ("1A", 500),
    )
    rating_max_score: int = 1000
    rating_valid_years: int = 5
    # Charities and charity trusts (DOMAIN.md, "Charities and charity trusts")
    charity_recognition_days: int = 20
    charity_qualification_years: int = 1
    fundraising_plan_working_days: int = 5
    trust_filing_days: int = 7
    charity_inactive_years: int = 2
    testing: bool = False
    # Rate limits of the public API (limits' syntax: "60/minute;1000/hour"); keys are per
    # API key, anonymous per client IP. None: on, except in testing (one client sends
    # every test's requests); RATE_LIMIT_ENABLED=0 turns them off, e.g. for fuzzing.
    rate_limit_enabled: bool | None = None
    rate_limit_anonymous: str = "60/minute;1000/hour"
    rate_limit_key: str = "600/minute;20000/hour"
    rate_limit_partner: str = "3000/minute;100000/hour"
    #: namespaces the counters, so that deployments can share one Redis
    rate_limit_key_prefix: str = "registry"
    #: behind a reverse proxy that appends the client to X-Forwarded-For; never trust it otherwise
    trusted_proxy: bool = False
    #: officers' sign-in: this many consecutive failures lock the account for that long
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    #: cheap argon2 parameters; None: cheap in testing only
    password_hash_fast: bool | None = None
    #: the workspace's session cookie goes over HTTPS only (turn off for plain-HTTP laptops)
    session_cookie_secure: bool = False
    #: how long the statistics (/api/v1/stats, /statistics) are kept once computed: they
    #: scan the register and every annual report. None: 10 minutes, 0 in testing.
    stats_cache_seconds: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("INSTANCE_PATH", str(_instance_dir())))
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'registry.sqlite3'}"
        es = env.get("ELASTICSEARCH_URL") or None
        return cls(
            database_url=database_url,
            secret_key=env.get("SECRET_KEY") or _secret_key(instance),
            instance_path=instance,
            redis_url=env.get("REDIS_URL") or None,
            elasticsearch_url=es,
            search_backend=env.get("SEARCH_BACKEND") or ("elasticsearch" if es else "database"),
            elasticsearch_alias=env.get("ELASTICSEARCH_ALIAS") or "registry-organisations",
            search_deliver_on_commit=env.get("SEARCH_DELIVER_ON_COMMIT", "1") != "0",
            report_due_social=_month_day(env.get("REPORT_DUE_SOCIAL"), (5, 31)),
            report_due_foundation=_month_day(env.get("REPORT_DUE_FOUNDATION"), (3, 31)),
            public_notice_days=int(env.get("PUBLIC_NOTICE_DAYS") or 60),
            dormant_criteria=_names(env.get("DORMANT_CRITERIA"), cls.dormant_criteria),
            dormant_missed_reports=int(
                env.get("DORMANT_MISSED_REPORTS") or cls.dormant_missed_reports
            ),
            dormant_inactive_months=int(
                env.get("DORMANT_INACTIVE_MONTHS") or cls.dormant_inactive_months
            ),
            dormant_contact_gap_days=_pair(
                env.get("DORMANT_CONTACT_GAP_DAYS"), cls.dormant_contact_gap_days
            ),
            dormant_abnormal_months=int(
                env.get("DORMANT_ABNORMAL_MONTHS") or cls.dormant_abnormal_months
            ),
            hearing_request_days=int(env.get("HEARING_REQUEST_DAYS") or 5),
            certificate_return_days=int(env.get("CERTIFICATE_RETURN_DAYS") or 7),
            review_days=int(env.get("REVIEW_DAYS") or 60),
            lawsuit_months=int(env.get("LAWSUIT_MONTHS") or 6),
            at_risk_includes_candidates=bool(_flag(env.get("AT_RISK_INCLUDES_CANDIDATES"), False)),
            credit_first_report_year=int(
                env.get("CREDIT_FIRST_REPORT_YEAR") or cls.credit_first_report_year
            ),
            rating_bands=_bands(env.get("RATING_BANDS"), cls.rating_bands),
            rating_max_score=int(env.get("RATING_MAX_SCORE") or cls.rating_max_score),
            rating_valid_years=int(env.get("RATING_VALID_YEARS") or cls.rating_valid_years),
            charity_recognition_days=int(
                env.get("CHARITY_RECOGNITION_DAYS") or cls.charity_recognition_days
            ),
            charity_qualification_years=int(
                env.get("CHARITY_QUALIFICATION_YEARS") or cls.charity_qualification_years
            ),
            fundraising_plan_working_days=int(
                env.get("FUNDRAISING_PLAN_WORKING_DAYS") or cls.fundraising_plan_working_days
            ),
            trust_filing_days=int(env.get("TRUST_FILING_DAYS") or cls.trust_filing_days),
            charity_inactive_years=int(
                env.get("CHARITY_INACTIVE_YEARS") or cls.charity_inactive_years
            ),
            rate_limit_enabled=_flag(env.get("RATE_LIMIT_ENABLED"), None),
            rate_limit_anonymous=env.get("RATE_LIMIT_ANONYMOUS") or cls.rate_limit_anonymous,
            rate_limit_key=env.get("RATE_LIMIT_KEY") or cls.rate_limit_key,
            rate_limit_partner=env.get("RATE_LIMIT_PARTNER") or cls.rate_limit_partner,
            rate_limit_key_prefix=env.get("RATE_LIMIT_KEY_PREFIX") or cls.rate_limit_key_prefix,
            trusted_proxy=bool(_flag(env.get("TRUSTED_PROXY"), False)),
            login_max_failures=int(env.get("LOGIN_MAX_FAILURES") or 5),
            login_lock_minutes=int(env.get("LOGIN_LOCK_MINUTES") or 15),
            password_hash_fast=_flag(env.get("PASSWORD_HASH_FAST"), None),
            stats_cache_seconds=(
                int(env["STATS_CACHE_SECONDS"]) if env.get("STATS_CACHE_SECONDS") else None
            ),
            session_cookie_secure=bool(_flag(env.get("SESSION_COOKIE_SECURE"), False)),
        )

    def replace(self, **changes: Any) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return type(self)(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def _flag(value: str | None, default: bool | None) -> bool | None:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _names(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """Parse 'a,b,c' into names; empty means the default."""
    if not value or not value.strip():
        return default
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _pair(value: str | None, default: tuple[int, int]) -> tuple[int, int]:
    """Parse 'LOW-HIGH' (e.g. '20-60')."""
    if not value or not value.strip():
        return default
    low, _, high = value.strip().partition("-")
    return (int(low), int(high))


def _bands(value: str | None, default: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """Parse 'GRADE:LOWEST,...' (e.g. '5A:900,4A:800'), highest band first."""
    if not value or not value.strip():
        return default
    bands = []
    for part in value.split(","):
        grade, _, lowest = part.strip().partition(":")
        bands.append((grade.strip().upper(), int(lowest)))
    return tuple(sorted(bands, key=lambda band: band[1], reverse=True))


def _month_day(value: str | None, default: tuple[int, int]) -> tuple[int, int]:
    """Parse 'MM-DD' and check that it is a real day of the year."""
    if not value:
        return default
    month, day = (int(part) for part in value.split("-", 1))
    date(2001, month, day)  # raises ValueError on 02-30 and friends
    return month, day
