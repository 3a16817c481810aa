from __future__ import annotations

import json


def test_uscc_check_prints_json_and_exit_code(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["uscc", "check", "51100000500002862F"])
    assert ok.exit_code == 0, ok.output
    [line] = ok.output.strip().splitlines()
    result = json.loads(line)
    assert result["valid"] is True
    assert result["parts"]["division_code"] == "100000"
    assert set(result) == {"code", "valid", "errors", "warnings", "parts"}

    bad = runner.invoke(args=["uscc", "check", "51100000500002862F", "51100000500002862J"])
    assert bad.exit_code == 1
    results = [json.loads(line) for line in bad.output.strip().splitlines()]
    assert [r["valid"] for r in results] == [True, False]
    assert results[1]["errors"] == ["position 18 should be F, found J"]


def test_uscc_check_knows_the_division_tree(app):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["uscc", "check", "--kind", "foundation", "51999999500002862F"])
    assert out.exit_code == 1
    errors = json.loads(out.output)["errors"]
    assert any("999999" in e for e in errors)
    assert any("position 2" in e for e in errors)
