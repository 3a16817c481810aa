"""The services' refusals: English Texts (the API's words, unchanged), and their Chinese in
the refusals catalogue, said by workspace_forms.say in the page's language."""

from __future__ import annotations

import ast
import copy
import json
import pickle
from datetime import date
from pathlib import Path
from string import Formatter

from babel.messages.pofile import read_po
from flask_wtf import FlaskForm

import registry
from registry.errors import Clauses, InvalidRecord, Text
from registry.web import workspace_forms
from registry.web.i18n import DOMAINS
from registry.web.workspace_forms import DayField, attach, say

SOURCE = Path(registry.__file__).parent
CATALOGUE = SOURCE / "web" / "translations" / "zh" / "LC_MESSAGES" / "refusals.po"


def names(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in Formatter().parse(template) if name}


def templates() -> dict[str, list[str]]:
    """Every Text("…") of the source: its template → where, each call checked to give a
    literal template and exactly the values it names."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Text"):
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), where
            given = {k.arg for k in node.keywords}
            assert None not in given and given == names(first.value), where
            found.setdefault(first.value, []).append(where)
    return found


def chinese() -> dict[str, str]:
    with CATALOGUE.open("rb") as source:
        return {m.id: m.string for m in read_po(source, locale="zh") if m.id}


def test_every_refusal_template_has_its_chinese_with_the_same_names():
    source, catalogue = templates(), chinese()
    assert len(source) > 70  # the walk found the services' refusals
    missing = sorted(t for t in source if not catalogue.get(t))
    assert missing == []
    for template in source:
        assert names(catalogue[template]) == names(template), template
    # and nothing in the catalogue that no service says any more
    assert sorted(set(catalogue) - set(source)) == []


def test_the_catalogue_is_one_of_the_domains():
    assert "refusals" in DOMAINS


# -- Text: the English stays what it was ---------------------------------------------------


def test_a_text_is_its_english():
    text = Text(
        "case {case} is {state}: it cannot {transition}; allowed next: {transitions}",
        case=7,
        state="under_review",
        transition="review",
        transitions=["dismiss", "contact"],
    )
    assert text == "case 7 is under_review: it cannot review; allowed next: dismiss, contact"
    assert isinstance(text, str) and text.template.startswith("case {case}")
    assert json.dumps({"detail": text}) == json.dumps({"detail": str(text)})
    day = Text("on or after {day}", day=date(2026, 6, 1))
    assert day == "on or after 2026-06-01"
    clauses = Clauses([Text("{field}: {problem}", field="order", problem=Text("required"))] * 2)
    assert clauses == "order: required; order: required"
    assert InvalidRecord(clauses).message == clauses


def test_a_text_survives_copying_and_pickling_with_braces_in_a_value():
    text = Text("kind must be dormant or prior_notice, not {value}", value="'{odd}'")
    for made in (copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert made == text and made.template == text.template
        assert dict(made.values) == {"value": "'{odd}'"}
    clauses = Clauses([text, Text("empty")])
    again = pickle.loads(pickle.dumps(clauses))
    assert again == clauses and again.parts == clauses.parts


# -- say: in the page's language ----------------------------------------------------------


def test_say_in_chinese_with_the_registers_words_as_labels(app):
    refused = Text(
        "case {case} is {state}: it cannot {transition}; allowed next: {transitions}",
        case=7,
        state="under_review",
        transition="review",
        transitions=["dismiss", "contact"],
    )
    with app.test_request_context("/workspace/?lang=zh"):
        assert (
            say(refused)
            == "案件 7 当前为“核查中”，不能办理“开始核查”；现在可以办理：排除、记录联系"
        )
        fields = Clauses(
            [
                Text(
                    "{field}: {problem}",
                    field="reasons",
                    problem=Text("required for a {conclusion}", conclusion="fail"),
                ),
                Text(
                    "{field}: {problem}",
                    field="concluded_on",
                    problem=Text("cannot be in the future"),
                ),
            ]
        )
        assert say(fields) == "原因：结论为不合格的，须写明原因；年检结论日期：不能晚于今天"
        # a value the vocabulary does not know shows as it is
        assert (
            say(Text("{status}, not active", status="dormant"))
            == "登记状态为“dormant”，不是正常状态"
        )
        # a page's own message, and a Text no catalogue has, are said as they are
        assert say("未知的办理步骤。") == "未知的办理步骤。"
        assert say(Text("no such {thing}", thing="x")) == "no such x"
    with app.test_request_context("/workspace/?lang=en"):
        assert say(refused) == str(refused) and say(fields) == str(fields)


def test_a_broken_translation_says_the_english_rather_than_failing(app, monkeypatch):
    monkeypatch.setattr(workspace_forms, "gettext", lambda template: "{nobody}的{case}")
    with app.test_request_context("/workspace/?lang=zh"):
        assert say(Text("no dormant-organisation case {case}", case=3)) == (
            "no dormant-organisation case 3"
        )


class CorrectionForm(FlaskForm):
    corrected_on = DayField()


def test_attach_puts_the_fields_errors_in_the_pages_language(app):
    refused = InvalidRecord(
        Text("corrected_on cannot be in the future"),
        errors={"corrected_on": Text("cannot be in the future"), "elsewhere": "x"},
    )
    for lang, said in (("zh", "不能晚于今天"), ("en", "cannot be in the future")):
        with app.test_request_context(f"/workspace/?lang={lang}", method="POST"):
            form = CorrectionForm(meta={"csrf": False})
            assert attach(form, refused) is True
            assert form.corrected_on.errors == [said]


def test_each_chinese_template_fills_in(app):
    """Every msgstr is found and formats with its template's values."""
    catalogue = chinese()
    with app.test_request_context("/workspace/?lang=zh"):
        for template in templates():
            values = {name: "x" for name in names(template)}
            assert say(Text(template, **values)) == catalogue[template].format(**values)
