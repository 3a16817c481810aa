from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from registry import errors
from registry.organisations.uscc import (
    CHARSET,
    KIND_TYPE_CODES,
    SERIAL_LIMIT,
    InvalidUscc,
    UsccParts,
    UsccResult,
    check_character_18,
    generate,
    organisation_code_check,
    parse,
    validate,
)

# Real codes of national social groups registered with the Ministry of Civil Affairs.
CAA = "51100000500002862F"  # 中国自动化学会
REAL_CODES = [
    CAA,
    "51100000500009247D",  # 中国复合材料工业协会
    "51100000500012681T",  # 中国医疗保健国际交流促进会
]
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# Written straight from GB 32100-2015 / GB 11714, independently of the module's tables.
def reference_check_17(eight: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(w * int(c, 36) for w, c in zip(weights, eight, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def reference_check_18(first17: str) -> str:
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(w * CHARSET.index(c) for w, c in zip(weights, first17, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def with_checks(first16: str, pos17: str | None = None) -> str:
    """A code whose position 18 is right for whatever position 17 is."""
    first17 = first16 + (pos17 if pos17 is not None else reference_check_17(first16[8:]))
    return first17 + reference_check_18(first17)


def status_table(table: dict[str, str]) -> tuple[Callable[[str], str | None], list[str]]:
    calls: list[str] = []

    def lookup(code: str) -> str | None:
        calls.append(code)
        return table.get(code)

    return lookup, calls


def first_serial_with_check_17_x() -> int:
    return next(s for s in range(1000) if generate("440300", "foundation", s)[16] == "X")


# --- check characters -------------------------------------------------------------------


def test_charset_leaves_out_ambiguous_letters() -> None:
    assert len(CHARSET) == 31
    assert not set(CHARSET) & set("IOSVZ")


def test_check_characters_of_the_real_example() -> None:
    assert organisation_code_check("50000286") == "2"
    assert check_character_18("51100000500002862") == "F"


def test_check_17_special_remainders() -> None:
    assert organisation_code_check("00000000") == "0"  # sum 0: r = 11 -> 0
    assert organisation_code_check("00000006") == "X"  # sum 12: r = 10 -> X


def test_check_characters_match_the_reference_formulae() -> None:
    rng = random.Random(32100)
    for _ in range(2000):
        eight = "".join(rng.choices(ALNUM, k=8))
        assert organisation_code_check(eight) == reference_check_17(eight)
        first17 = "".join(rng.choices(CHARSET, k=17))
        assert check_character_18(first17) == reference_check_18(first17)


@pytest.mark.parametrize("bad", ["", "5000028", "500002866", "5000028a", "5000028-"])
def test_organisation_code_check_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        organisation_code_check(bad)


@pytest.mark.parametrize("bad", ["5110000050000286", "511000005000028620", "5110000050000286O"])
def test_check_character_18_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        check_character_18(bad)


# --- validate: valid codes ----------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    result = validate(code, kind="social_group")
    assert result.valid, result.errors
    assert result.errors == []
    assert result.warnings == []
    assert result.code == code


def test_real_example_parts() -> None:
    parts = validate(CAA).parts
    assert parts == UsccParts(
        authority_code="5",
        type_code="1",
        type_name="social_group",
        division_code="100000",
        organisation_code="500002862",
        organisation_code_check="2",
        check_character="F",
    )
    assert parse(CAA) == parts


def test_as_dict() -> None:
    assert validate(CAA).as_dict() == {
        "code": CAA,
        "valid": True,
        "errors": [],
        "warnings": [],
        "parts": {
            "authority_code": "5",
            "type_code": "1",
            "type_name": "social_group",
            "division_code": "100000",
            "organisation_code": "500002862",
            "organisation_code_check": "2",
            "check_character": "F",
        },
    }
    wrong = validate(CAA[:17] + "G").as_dict()
    assert wrong["valid"] is False
    assert wrong["parts"] is None
    assert wrong["errors"] == ["position 18 should be F, found G"]


@pytest.mark.parametrize(
    "raw",
    [
        "51100000500002862f",
        "  51100000500002862F\n",
        "\t51100000500002862f ",
        CAA.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),  # full-width forms
        " " + CAA.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) + "\u3000",
        "\u300051100000500002862F\u3000",  # ideographic spaces
    ],
)
def test_input_is_normalised(raw: str) -> None:
    result = validate(raw)
    assert result.valid, result.errors
    assert result.code == CAA


def test_type_nine_is_other() -> None:
    code = with_checks("5910000012345678")
    parts = parse(code)
    assert (parts.type_code, parts.type_name) == ("9", "other")


def test_result_is_frozen() -> None:
    result = validate(CAA)
    with pytest.raises(AttributeError):
        result.valid = False  # type: ignore[misc]
    assert isinstance(result, UsccResult)


# --- validate: error messages -------------------------------------------------------------


def test_wrong_check_character_18() -> None:
    result = validate(CAA[:17] + "J")
    assert not result.valid
    assert result.errors == ["position 18 should be F, found J"]
    assert result.parts is None


def test_wrong_check_character_17_only() -> None:
    # position 18 recomputed, so only the organisation-code check is wrong
    code = with_checks("5110000050000286", pos17="3")
    assert validate(code).errors == ["position 17 should be 2, found 3"]


def test_check_17_x_is_reported() -> None:
    code = with_checks("5110000000000006", pos17="3")
    assert validate(code).errors == ["position 17 should be X, found 3"]


def test_wrong_length() -> None:
    assert validate(CAA[:17]).errors == ["must be 18 characters, found 17"]
    assert validate(CAA + "1").errors == ["must be 18 characters, found 19"]
    assert validate("").errors == ["must be 18 characters, found 0"]


def test_wrong_length_still_names_bad_characters() -> None:
    result = validate("5110000050000286O")
    assert result.errors == [
        "must be 18 characters, found 17",
        "position 17: 'O' is not allowed (the letters I, O, S, V and Z are never used)",
    ]


def test_forbidden_letter_skips_the_check_it_makes_meaningless() -> None:
    # O for 0 in the division: no position-18 check (O has no value in the 31-set),
    # but positions 9-16 are fine, so position 17 is still checked (and passes).
    result = validate("5110O000500002862F")
    assert result.errors == [
        "position 5: 'O' is not allowed (the letters I, O, S, V and Z are never used)",
        "positions 3–8 should be a 6-digit division code (GB/T 2260), found 10O000",
    ]


def test_forbidden_letter_in_organisation_code() -> None:
    # I in position 12 still has a GB 11714 value, so position 17 is checked too
    result = validate("51100000500I02862F")
    assert result.errors[0] == (
        "position 12: 'I' is not allowed (the letters I, O, S, V and Z are never used)"
    )
    assert re.fullmatch(r"position 17 should be \w, found 2", result.errors[1])
    assert len(result.errors) == 2


def test_punctuation_is_named() -> None:
    result = validate("51100000-500002862")
    # neither check can be computed over a '-', so the character error stands alone
    assert result.errors == [
        "position 9: '-' is not allowed "
        "(only digits and capital letters other than I, O, S, V and Z are used)",
    ]


def test_wrong_authority() -> None:
    code = with_checks("9110000050000286")
    assert validate(code).errors == ["position 1 should be 5 (civil affairs), found 9"]


def test_unknown_type_code() -> None:
    code = with_checks("5410000050000286")
    assert validate(code).errors == [
        "position 2 should be 1 (social group), 2 (social service agency), "
        "3 (foundation) or 9 (other), found 4"
    ]


def test_kind_must_match_type_code() -> None:
    result = validate(CAA, kind="foundation")
    assert not result.valid
    assert result.errors == [
        "position 2 is 1 (social group) but the organisation is a foundation (3)"
    ]
    assert validate(CAA, kind="social_group").valid
    assert not validate(CAA, kind="social_service_agency").valid


def test_kind_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown organisation kind"):
        validate(CAA, kind="company")


def test_every_error_is_reported() -> None:
    # wrong authority, wrong type, letters in the division, wrong position 17 and 18
    code = "94110A0050000286" + "3" + "J"
    result = validate(code, division_status=lambda _: "current")
    assert [e.split(" ")[0:2] for e in result.errors] == [
        ["position", "1"],
        ["position", "2"],
        ["positions", "3–8"],
        ["position", "17"],
        ["position", "18"],
    ]


# --- validate: divisions ------------------------------------------------------------------


def test_abolished_division_warns_but_stays_valid() -> None:
    code = generate("110103", "social_group", 42)  # 崇文区, merged into 东城区 in 2010
    lookup, calls = status_table({"110103": "abolished"})
    result = validate(code, division_status=lookup)
    assert result.valid
    assert result.errors == []
    assert len(result.warnings) == 1
    assert "110103" in result.warnings[0]
    assert "abolished" in result.warnings[0]
    assert calls == ["110103"]


def test_current_division_is_silent() -> None:
    code = generate("110101", "foundation", 7)
    lookup, _ = status_table({"110101": "current"})
    result = validate(code, division_status=lookup)
    assert result.valid
    assert result.warnings == []


def test_unknown_division_is_an_error() -> None:
    code = generate("999999", "social_group", 1)
    lookup, _ = status_table({})
    result = validate(code, division_status=lookup)
    assert not result.valid
    assert result.errors == ["positions 3–8: unknown division code 999999"]


def test_division_without_callback_only_needs_six_digits() -> None:
    assert validate(generate("999999", "social_group", 1)).valid


def test_national_division_needs_no_lookup() -> None:
    lookup, calls = status_table({})
    assert validate(CAA, division_status=lookup).valid
    assert calls == []


# --- typos are always caught --------------------------------------------------------------


def typo_sample_codes() -> list[str]:
    return [
        *REAL_CODES,
        generate("110103", "social_group", 0),
        generate("440300", "social_service_agency", 123_456_789),
        generate("440300", "foundation", first_serial_with_check_17_x()),
        generate("650102", "other", SERIAL_LIMIT - 1),
    ]


def test_sample_includes_a_check_17_x() -> None:
    assert any(code[16] == "X" for code in typo_sample_codes())


@pytest.mark.parametrize("code", typo_sample_codes())
def test_every_single_substitution_is_caught(code: str) -> None:
    assert validate(code).valid
    for index in range(18):
        position = index + 1
        names = {f"position {position}", "position 17", "position 18"}
        if 3 <= position <= 8:
            names.add("positions 3–8")
        for char in CHARSET:
            if char == code[index]:
                continue
            typo = code[:index] + char + code[index + 1 :]
            result = validate(typo)
            assert not result.valid, typo
            # mod-31 weights are all non-zero, so position 18 always flags the typo
            assert any(e.startswith("position 18 should be") for e in result.errors), typo
            assert any(e.startswith(name) for e in result.errors for name in names), (
                typo,
                result.errors,
            )


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_adjacent_transposition_in_positions_1_to_17_is_caught(code: str) -> None:
    for index in range(16):
        if code[index] == code[index + 1]:
            continue
        swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
        assert not validate(swapped).valid, swapped


# --- parse ----------------------------------------------------------------------------------


def test_parse_raises_with_the_result() -> None:
    with pytest.raises(InvalidUscc) as caught:
        parse(CAA[:17] + "J")
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, errors.InvalidUscc)
    assert error.result.errors == ["position 18 should be F, found J"]
    assert "position 18 should be F, found J" in str(error)


def test_parse_checks_kind() -> None:
    with pytest.raises(ValueError, match="position 2 is 1"):
        parse(CAA, kind="foundation")


# --- generate -------------------------------------------------------------------------------


def test_generate_layout() -> None:
    code = generate("440300", "social_service_agency", 0)
    assert code == with_checks("5244030000000000")
    parts = parse(code, kind="social_service_agency")
    assert parts.division_code == "440300"
    assert parts.type_name == "social_service_agency"
    assert generate("440300", "social_service_agency", 1)[8:16] == "00000001"
    assert generate("440300", "social_service_agency", 31)[8:16] == "00000010"
    assert generate("440300", "social_service_agency", SERIAL_LIMIT - 1)[8:16] == "YYYYYYYY"


def test_generate_is_deterministic() -> None:
    assert generate("100000", "foundation", 99) == generate("100000", "foundation", 99)


def test_serial_range_covers_31_to_the_seventh() -> None:
    assert SERIAL_LIMIT > 31**7
    assert validate(generate("100000", "foundation", 31**7)).valid


@pytest.mark.parametrize("kind", sorted(KIND_TYPE_CODES))
def test_generated_type_code_follows_kind(kind: str) -> None:
    code = generate("100000", kind, 5)
    assert code[1] == KIND_TYPE_CODES[kind]
    assert validate(code, kind=kind).valid


@pytest.mark.parametrize(
    ("division", "kind", "serial"),
    [
        ("10000", "social_group", 0),
        ("1000000", "social_group", 0),
        ("10000A", "social_group", 0),
        ("１０００００", "social_group", 0),  # full-width digits are not ASCII
        ("100000", "company", 0),
        ("100000", "", 0),
        ("100000", "social_group", -1),
        ("100000", "social_group", SERIAL_LIMIT),
    ],
)
def test_generate_rejects_bad_input(division: str, kind: str, serial: int) -> None:
    with pytest.raises(ValueError):
        generate(division, kind, serial)


@pytest.mark.parametrize("serial", [1.0, "1", True, None])
def test_generate_rejects_non_int_serial(serial: object) -> None:
    with pytest.raises(TypeError):
        generate("100000", "social_group", serial)  # type: ignore[arg-type]


def test_a_million_generated_codes_are_valid_and_unique() -> None:
    combos = [
        ("100000", "social_group"),
        ("110000", "foundation"),
        ("440300", "social_service_agency"),
        ("110000", "social_group"),
    ]
    seen: set[str] = set()
    invalid: list[str] = []
    for serial in range(1_000_000):
        division, kind = combos[serial % 4]
        code = generate(division, kind, serial)
        if not validate(code, kind=kind).valid:
            invalid.append(code)
        seen.add(code)
    assert invalid == []
    assert len(seen) == 1_000_000


def test_distant_serials_are_unique_and_valid() -> None:
    rng = random.Random(2015)
    serials = set(rng.sample(range(SERIAL_LIMIT), 50_000))
    codes = {generate("100000", "foundation", s) for s in serials}
    assert len(codes) == len(serials)
    assert all(validate(code).valid for code in codes)
