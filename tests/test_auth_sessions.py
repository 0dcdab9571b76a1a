"""Server-side sessions: only the token's hash is stored; idle 30 min, absolute 12 h;
Uitloggen makes the token worthless; the cookie routes (one-time code, HttpOnly cookie)."""

import pytest
from datetime import datetime, timedelta

from starlette.requests import Request

from dorp import sessions as cookie
from dorp.repo import sessions, users
from tests.conftest import LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores

T0 = datetime(2026, 11, 29, 9, 0, 0)


def test_only_the_hash_is_stored(demo_db):
    uid = user_of(demo_db, LEAD).id
    token = sessions.create(demo_db, uid, T0)
    stored = demo_db.rows("SELECT token_hash FROM sessions")
    assert token not in str(stored)
    assert stored[-1]["token_hash"] == sessions.token_hash(token)
    assert len(token) >= 40   # 32 random bytes


def test_idle_timeout(demo_db):
    uid = user_of(demo_db, LEAD).id
    token = sessions.create(demo_db, uid, T0)
    assert sessions.resolve(demo_db, token, T0 + timedelta(minutes=29)) == uid
    # use restarts the idle clock
    assert sessions.resolve(demo_db, token, T0 + timedelta(minutes=58)) == uid
    assert sessions.resolve(demo_db, token, T0 + timedelta(minutes=58 + 31)) is None
    # once ended, it stays ended
    assert sessions.resolve(demo_db, token, T0 + timedelta(minutes=60)) is None


def test_absolute_timeout_even_when_used(demo_db):
    uid = user_of(demo_db, LEAD).id
    token = sessions.create(demo_db, uid, T0)
    t = T0
    while t < T0 + timedelta(hours=11, minutes=50):
        t += timedelta(minutes=20)
        assert sessions.resolve(demo_db, token, t) == uid
    assert sessions.resolve(demo_db, token, T0 + timedelta(hours=12, minutes=1)) is None


def test_logout_makes_the_token_worthless(demo_db):
    uid = user_of(demo_db, LEAD).id
    token = sessions.create(demo_db, uid, T0)
    other = sessions.create(demo_db, uid, T0)   # another browser
    sessions.end(demo_db, token, T0 + timedelta(minutes=1))
    assert sessions.resolve(demo_db, token, T0 + timedelta(minutes=2)) is None
    assert sessions.resolve(demo_db, other, T0 + timedelta(minutes=2)) == uid
    assert sessions.resolve(demo_db, "made-up", T0) is None
    assert sessions.resolve(demo_db, None, T0) is None


def test_handoff_code_is_single_use_and_short_lived(demo_db):
    uid = user_of(demo_db, STEERING).id
    code = sessions.create_handoff(demo_db, uid, T0)
    token = sessions.redeem_handoff(demo_db, code, T0 + timedelta(seconds=5))
    assert sessions.resolve(demo_db, token, T0 + timedelta(seconds=6)) == uid
    assert sessions.redeem_handoff(demo_db, code, T0 + timedelta(seconds=7)) is None
    late = sessions.create_handoff(demo_db, uid, T0)
    assert sessions.redeem_handoff(demo_db, late, T0 + timedelta(seconds=61)) is None
    assert code not in str(demo_db.rows("SELECT * FROM login_handoffs"))


def test_handoff_refused_for_disabled_account(demo_db):
    uid = user_of(demo_db, STEERING).id
    code = sessions.create_handoff(demo_db, uid)
    users.disable(demo_db, user_of(demo_db, LEAD), STEERING)
    assert sessions.redeem_handoff(demo_db, code) is None


def _request(path: str, query: str = "", cookies: str = "", scheme: str = "http") -> Request:
    headers = [(b"host", b"localhost")]
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    return Request({"type": "http", "method": "GET", "path": path, "scheme": scheme,
                    "query_string": query.encode(), "headers": headers,
                    "server": ("localhost", 8501), "root_path": ""})


def _routes(db):
    return {r.path: r.endpoint for r in cookie.make_routes(lambda: db)}


def test_login_route_sets_an_httponly_cookie_and_returns_to_the_page(demo_db):
    routes = _routes(demo_db)
    code = sessions.create_handoff(demo_db, user_of(demo_db, LEAD).id)
    resp = routes[cookie.LOGIN_ROUTE](_request(cookie.LOGIN_ROUTE, f"code={code}&next=/pilot"))
    assert resp.status_code == 303 and resp.headers["location"] == "/pilot"
    set_cookie = resp.headers["set-cookie"]
    assert set_cookie.startswith(f"{cookie.COOKIE}=")
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    assert "Max-Age=43200" in set_cookie and "Secure" not in set_cookie
    token = set_cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resolve(demo_db, token) is not None
    # the same code again: no cookie
    again = routes[cookie.LOGIN_ROUTE](_request(cookie.LOGIN_ROUTE, f"code={code}"))
    assert "set-cookie" not in again.headers
    # behind https the cookie is Secure
    code2 = sessions.create_handoff(demo_db, user_of(demo_db, LEAD).id)
    resp2 = routes[cookie.LOGIN_ROUTE](_request(cookie.LOGIN_ROUTE, f"code={code2}",
                                                scheme="https"))
    assert "Secure" in resp2.headers["set-cookie"]


def test_no_open_redirect():
    for bad in ["https://evil.example", "//evil.example", "/\\evil", "javascript:alert(1)",
                "/pilot?x=1", None, ""]:
        assert cookie.safe_next(bad) == "/"
    assert cookie.safe_next("/overzicht") == "/overzicht"


def test_logout_route_ends_the_session_and_clears_the_cookie(demo_db):
    routes = _routes(demo_db)
    token = sessions.create(demo_db, user_of(demo_db, LEAD).id)
    resp = routes[cookie.LOGOUT_ROUTE](_request(cookie.LOGOUT_ROUTE,
                                                cookies=f"{cookie.COOKIE}={token}"))
    assert resp.status_code == 303
    assert f'{cookie.COOKIE}=""' in resp.headers["set-cookie"] \
        or "Max-Age=0" in resp.headers["set-cookie"]
    assert sessions.resolve(demo_db, token) is None
