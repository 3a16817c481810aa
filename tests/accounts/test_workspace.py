from __future__ import annotations

import re

from registry.accounts.services import AccountService
from tests.accounts.factories import PASSWORD, officer


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_page: str | None = None):
    page = client.get("/workspace/login")
    url = "/workspace/login" + (f"?next={next_page}" if next_page else "")
    return client.post(
        url,
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def test_workspace_needs_a_sign_in(session, client):
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/workspace/login")


def test_sign_in_shows_who_and_where_then_sign_out(session, client):
    officer(session, "reviewer", "320102", "rev.web", full_name="陈静")
    signed_in = sign_in(client, "rev.web")
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    home = client.get("/workspace/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert "陈静" in html and "rev.web" in html and "南京市玄武区民政局" in html
    assert "已登录" in html and "审核员" in html
    english = client.get("/workspace/?lang=en").get_data(as_text=True)
    assert "Signed in as 陈静 (rev.web), reviewer of" in english

    # Signing out is a POST with the CSRF token; without it, it is refused.
    refused = client.post("/workspace/logout")
    assert refused.status_code == 400
    assert "安全令牌" in refused.get_data(as_text=True)
    assert client.get("/workspace/").status_code == 200  # still signed in

    out = client.post("/workspace/logout", data={"csrf_token": csrf_token(html)})
    assert out.status_code == 302
    assert client.get("/workspace/").status_code == 302


def test_a_login_post_without_the_csrf_token_is_refused(session, client, clock):
    clerk = officer(session, "clerk", "320102", "clerk.web")
    response = client.post("/workspace/login", data={"username": "clerk.web", "password": PASSWORD})
    assert response.status_code == 400
    assert clerk.last_login_at is None
    assert client.get("/workspace/").status_code == 302


def test_a_wrong_password_keeps_the_username_and_says_so_in_chinese_first(session, client):
    officer(session, "clerk", "320102", "clerk.w")
    response = sign_in(client, "clerk.w", "wrong password")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "用户名或密码错误" in html and "Wrong username or password" in html
    assert html.index("用户名或密码错误") < html.index("Wrong username or password")
    assert 'value="clerk.w"' in html
    assert "wrong password" not in html  # the password never comes back
    unknown = sign_in(client, "no.such.user", "wrong password").get_data(as_text=True)
    assert "用户名或密码错误" in unknown


def test_field_errors_appear_next_to_their_fields(session, client):
    page = client.get("/workspace/login").get_data(as_text=True)
    response = client.post(
        "/workspace/login", data={"username": "someone", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请输入密码" in html and 'value="someone"' in html
    assert 'aria-invalid="true"' in html


def test_failures_persist_and_lock_with_retry_after(session, client, clock):
    clerk = officer(session, "clerk", "320102", "clerk.lock")
    for _ in range(4):
        assert sign_in(client, "clerk.lock", "bad password").status_code == 200
    locked = sign_in(client, "clerk.lock", "bad password")
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert "账户已锁定" in locked.get_data(as_text=True)
    session.refresh(clerk)
    assert clerk.failed_logins == 5  # committed despite the refusals

    assert sign_in(client, "clerk.lock").status_code == 429
    clock.advance(minutes=15)
    assert sign_in(client, "clerk.lock").status_code == 302


def test_deactivation_and_a_new_password_end_the_session(session, client, clock):
    clerk = officer(session, "clerk", "320102", "clerk.session")
    assert sign_in(client, "clerk.session").status_code == 302
    assert client.get("/workspace/").status_code == 200
    clerk.password_hash = AccountService(session, clock).hasher.hash("a brand new password")
    session.commit()
    assert client.get("/workspace/").status_code == 302

    assert sign_in(client, "clerk.session", "a brand new password").status_code == 302
    clerk.is_active = False
    session.commit()
    assert client.get("/workspace/").status_code == 302


def test_next_goes_back_into_the_workspace_only(session, client):
    officer(session, "clerk", "320102", "clerk.next")
    response = sign_in(client, "clerk.next", next_page="https://evil.example/")
    assert response.headers["Location"] == "/workspace/"
    client.post(
        "/workspace/logout",
        data={"csrf_token": csrf_token(client.get("/workspace/").get_data(as_text=True))},
    )
    response = sign_in(client, "clerk.next", next_page="/workspace/")
    assert response.headers["Location"] == "/workspace/"


def test_the_signed_in_browser_may_call_the_api(session, client):
    officer(session, "clerk", "320102", "clerk.api")
    sign_in(client, "clerk.api")
    me = client.get("/api/v1/officer/me")
    assert me.status_code == 200 and me.get_json()["username"] == "clerk.api"
    # Writes through the API from the browser need the CSRF token too.
    refused = client.post("/api/v1/officer/tokens", json={"name": "x"})
    assert refused.status_code == 403
    html = client.get("/workspace/").get_data(as_text=True)
    accepted = client.post(
        "/api/v1/officer/tokens", json={"name": "x"}, headers={"X-CSRFToken": csrf_token(html)}
    )
    assert accepted.status_code == 201


def test_the_api_is_not_csrf_checked_for_bearer_tokens(session, client):
    from tests.accounts.factories import bearer, officer_with_token

    _holder, token = officer_with_token(session, "clerk", "320102")
    response = client.post("/api/v1/officer/tokens", json={"name": "x"}, headers=bearer(token))
    assert response.status_code == 201


def test_workspace_pages_are_not_cached(session, client):
    assert client.get("/workspace/login").headers["Cache-Control"] == "no-store"
