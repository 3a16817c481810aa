from __future__ import annotations

from registry.accounts.services import AccountService
from tests.accounts.factories import bearer

GOOD = "长江黄河1949-ok"


def test_create_the_first_admin_then_a_token_then_list(app, session, client, clock):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "accounts", "create", "--username", "root.admin", "--name", "系统管理员",
            "--authority", "100000", "--role", "admin", "--password", GOOD,
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "root.admin" in created.output and "民政部" in created.output
    assert GOOD not in created.output

    issued = runner.invoke(
        args=["accounts", "token", "--username", "root.admin", "--name", "ops", "--days", "7"]
    )
    assert issued.exit_code == 0, issued.output
    assert "shown only this once" in issued.stderr
    secret = issued.stdout.strip().splitlines()[-1]
    assert secret.startswith("rgo_")
    me = client.get("/api/v1/officer/me", headers=bearer(secret))
    assert me.status_code == 200 and me.get_json()["role"] == "admin"

    listed = runner.invoke(args=["accounts", "list"])
    assert listed.exit_code == 0
    assert "root.admin" in listed.output and "admin" in listed.output
    officer = AccountService(session, clock).get("root.admin")
    assert officer.password_hash not in listed.output and secret not in listed.output


def test_password_from_the_environment_or_a_prompt(app, session, clock):
    runner = app.test_cli_runner()
    from_env = runner.invoke(
        args=["accounts", "create", "--username", "env.user", "--name", "甲",
              "--authority", "320102", "--role", "clerk"],
        env={"REGISTRY_PASSWORD": GOOD},
    )  # fmt: skip
    assert from_env.exit_code == 0, from_env.output
    prompted = runner.invoke(
        args=["accounts", "create", "--username", "prompt.user", "--name", "乙",
              "--authority", "320102", "--role", "clerk"],
        input=f"{GOOD}\n{GOOD}\n",
        env={"REGISTRY_PASSWORD": ""},
    )  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    service = AccountService(session, clock)
    assert service.authenticate("env.user", GOOD) and service.authenticate("prompt.user", GOOD)


def test_cli_errors_are_clear(app, session):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["accounts", "create", "--username", "x.user", "--name", "甲",
              "--authority", "320102", "--role", "clerk", "--password", "short"]
    )  # fmt: skip
    assert short.exit_code == 1 and "10" in short.output
    nowhere = runner.invoke(
        args=["accounts", "create", "--username", "x.user", "--name", "甲",
              "--authority", "999999", "--role", "clerk", "--password", GOOD]
    )  # fmt: skip
    assert nowhere.exit_code == 1 and "999999" in nowhere.output
    nobody = runner.invoke(args=["accounts", "token", "--username", "nobody", "--name", "x"])
    assert nobody.exit_code == 1 and "nobody" in nobody.output
    too_long = runner.invoke(
        args=["accounts", "token", "--username", "x", "--name", "x", "--days", "400"]
    )
    assert too_long.exit_code == 2
