"""The search document of an organisation, derived from its public record.

Everything a query matches on is computed here, once, at index time, the same for every
backend: simplified characters (OpenCC), unigrams and bigrams (so that 1- and
2-character queries work without an n-gram analyser), full pinyin and initials (pypinyin).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z]+")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Traditional to simplified, full-width to half-width, lower case, spaces squeezed."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub(" ", _converter().convert(text)).strip().lower()


def grams(text: str, *, simplified: bool = False) -> str:
    """Space-separated unigrams and bigrams of the Han characters, and the Latin words.

    '连云港' → '连 云 港 连云 云港'. A query of any length becomes a conjunction of these
    tokens, which FTS5, PostgreSQL's 'simple' configuration and Elasticsearch's whitespace
    analyser all match exactly.
    """
    text = text if simplified else simplify(text)
    tokens: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(_WORD.findall(text))
    return " ".join(dict.fromkeys(tokens))


def query_terms(text: str) -> list[str]:
    """What every match must contain: each distinct Han character and each Latin word.

    Characters rather than bigrams, so that the words of a name typed in another order
    ('慈善 连云港', '连云港慈善' for 慈善事业连云港促进会) still match; ranking then puts the
    names that hold the query as a phrase first.
    """
    text = simplify(text)
    terms = _HAN.findall(text) + _WORD.findall(text)
    return list(dict.fromkeys(terms))


def query_bigrams(text: str) -> list[str]:
    """The bigrams of the query's Han runs: a name holding them all ranks higher."""
    tokens: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", simplify(text)):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(tokens))


def is_latin(text: str) -> bool:
    """A query of Latin letters, digits and spaces only: pinyin, initials or English."""
    return bool(text.strip()) and not _HAN.search(text) and bool(_WORD.search(simplify(text)))


def pinyin(text: str, *, simplified: bool = False) -> tuple[str, str, str]:
    """(full pinyin spaced, full pinyin joined, initials) of the Han characters."""
    han = "".join(_HAN.findall(text if simplified else simplify(text)))
    # One conversion: the initials are the syllables' first letters (Style.FIRST_LETTER
    # gives the same, at twice the cost).
    syllables = [s for s in lazy_pinyin(han, style=Style.NORMAL, errors="ignore") if s]
    return " ".join(syllables), "".join(syllables), "".join(s[0] for s in syllables)


def province_code(division: str) -> str:
    return division[:2] + "0000"


def prefecture_code(division: str) -> str | None:
    return None if division.endswith("0000") else division[:4] + "00"


def build_document(record: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document for one organisation's public record (see organisations/public.py).

    `extra` carries facts from later domains (rating, credit-list flags).
    """
    name = record["name"]
    simplified = simplify(name)
    spaced, joined, initials = pinyin(simplified, simplified=True)
    division = record["domicile_division_code"]
    founded = record["founded_on"]
    extra = extra or {}
    document = {
        "uscc": record["uscc"],
        "organisation_code": record["uscc"][8:17],
        "name": name,
        "name_simplified": simplified,
        "name_grams": grams(simplified, simplified=True),
        "name_en": record.get("name_en"),
        "pinyin": spaced,
        "pinyin_joined": joined,
        "pinyin_initials": initials,
        "legal_representative": record["legal_representative"],
        "domicile": record["domicile"],
        "other_grams": grams(f"{record['legal_representative']} {record['domicile']}"),
        "kind": record["kind"],
        "status": record["status"],
        "province_code": province_code(division),
        "prefecture_code": prefecture_code(division),
        "county_code": division if not division.endswith("00") else None,
        "authority_code": record["registration_authority_code"],
        "is_charity": bool(record["is_charity"]),
        "rating": extra.get("rating", record.get("rating")),
        "abnormal_list": bool(extra.get("abnormal_list", record.get("abnormal_list"))),
        "dishonest_list": bool(extra.get("dishonest_list", record.get("dishonest_list"))),
        "founded_on": founded,
        "founded_year": int(str(founded)[:4]),
        "version": record["version"],
    }
    document["checksum"] = checksum(document)
    return document


def checksum(document: dict[str, Any]) -> str:
    """A digest of everything indexed, for `search verify` to compare database and index."""
    body = {k: v for k, v in document.items() if k != "checksum"}
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
