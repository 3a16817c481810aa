"""Every Chinese string of the workspace has its English in workspace.po."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from registry.web import workspace_labels
from registry.web.workspace import ROLE_NAMES

WEB = Path(workspace_labels.__file__).parent
CATALOGUES = WEB / "translations" / "en" / "LC_MESSAGES"
#: _("…") and _l("…") in templates and modules
CALL = re.compile(r"""\b_l?\(\s*(["'])(.+?)\1""", re.S)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def english() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in ("messages.po", "workspace.po"):
        with (CATALOGUES / name).open("rb") as source:
            found.update({m.id: m.string for m in read_po(source) if m.id and m.string})
    return found


def source_strings() -> set[str]:
    files = [*(WEB / "templates" / "workspace").glob("*.html"), *WEB.glob("workspace*.py")]
    strings = {m.group(2) for f in files for m in CALL.finditer(f.read_text(encoding="utf-8"))}
    strings |= set(workspace_labels.ALL) | {zh for zh, _en in ROLE_NAMES.values()}
    return {s for s in strings if CHINESE.search(s)}


def test_every_string_has_its_english():
    have = english()
    strings = source_strings()
    assert len(strings) > 150  # the extraction found the pages' strings
    assert sorted(s for s in strings if s not in have) == []


def test_the_english_keeps_the_placeholders():
    for chinese, translated in english().items():
        assert sorted(re.findall(r"%\(\w+\)s", chinese)) == sorted(
            re.findall(r"%\(\w+\)s", translated)
        ), chinese
