"""Security headers: nosniff and a referrer policy everywhere; on the pages a content
security policy that keeps scripts, framing and form posts to this site."""

from __future__ import annotations

from registry.web.security import POLICY


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_pages_carry_the_policy_and_refuse_framing(client):
    for path in ("/", "/search?q=协会", "/statistics", "/open-data", "/workspace/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        found = directives(response)
        assert found["script-src"] == "'self'", path
        assert found["frame-ancestors"] == "'none'" and found["form-action"] == "'self'"
        assert found["object-src"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_error_pages_carry_it_too(client):
    missing = client.get("/organisations/511100000000000000")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert missing.headers["Content-Security-Policy"] == POLICY


def test_the_api_is_not_a_page(client):
    response = client.get("/api/v1/stats")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers
    problem = client.get("/api/v1/organisations/nonsense")
    assert problem.mimetype == "application/problem+json"
    assert problem.headers["X-Content-Type-Options"] == "nosniff"
    # The docs page is the swagger-ui package's own markup.
    assert "Content-Security-Policy" not in client.get("/api/docs").headers
