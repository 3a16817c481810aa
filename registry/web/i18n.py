"""Languages of the pages: Simplified Chinese by default, English on request (Flask-Babel).

The templates' source strings are Chinese; registry/web/translations/en holds the English
catalogue as a .po file, compiled into the instance folder when the app starts (so a
fresh clone needs no build step, and no compiled file is committed). `?lang=en` or
`?lang=zh` switches and is remembered in a cookie; otherwise the browser's
Accept-Language decides between the two.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, g, request
from flask_babel import Babel, refresh

LANGUAGES = ("zh", "en")
#: one catalogue per part of the site, so that each part's strings live with it:
#: translations/en/LC_MESSAGES/{messages,portal,workspace}.po; and the services' English
#: refusals in Chinese, translations/zh/LC_MESSAGES/refusals.po (workspace_forms.say)
DOMAINS = ("messages", "portal", "workspace", "refusals")
COOKIE = "lang"
SOURCE = Path(__file__).with_name("translations")
babel = Babel()


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="zh") or "zh"


def compile_catalogues(target: Path) -> Path:
    """Compile every .po under translations/ into `target` when newer than its .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in SOURCE.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(SOURCE).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parts[-3])
        partial = mo.with_suffix(".mo.tmp")
        with partial.open("wb") as out:
            write_mo(out, catalogue)
        partial.replace(mo)  # atomic: two workers starting together never read half a file
    return target


def init_i18n(app: Flask) -> None:
    compiled = compile_catalogues(Path(app.instance_path) / "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    # Flask-Babel pairs each domain with a directory: the same compiled one for all.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(compiled) for _ in DOMAINS)
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _language() -> None:
        # Flask-Babel keeps the locale in g, which lives as long as the app context: tests
        # and CLI commands keep one across requests, so each request chooses afresh.
        refresh()
        g.lang = select_locale()

    @app.after_request
    def _remember(response: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="Lax")
        if not request.path.startswith("/api/"):
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"lang": g.get("lang", "zh"), "other_lang": switch_link}


def switch_link() -> str:
    """This page in the other language: the same URL, every argument kept."""
    args = request.args.to_dict(flat=False)
    args["lang"] = ["en" if g.get("lang", "zh") == "zh" else "zh"]
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args, doseq=True)}"
