"""Server-side sessions: only the token's hash is stored; idle 30 min, absolute 12 h;
Uitloggen makes the token worthless; the cookie routes (one-time code, HttpOnly cookie)."""

import pytest
from datetime import datetime, timedelta

import pytest
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


BROWSER = "key-of-the-browser-that-logged-in"


def test_handoff_code_is_single_use_and_short_lived(demo_db):
    uid = user_of(demo_db, STEERING).id
    code = sessions.create_handoff(demo_db, uid, BROWSER, T0)
    token = sessions.redeem_handoff(demo_db, code, BROWSER, T0 + timedelta(seconds=5))
    assert sessions.resolve(demo_db, token, T0 + timedelta(seconds=6)) == uid
    assert sessions.redeem_handoff(demo_db, code, BROWSER, T0 + timedelta(seconds=7)) is None
    late = sessions.create_handoff(demo_db, uid, BROWSER, T0)
    assert sessions.redeem_handoff(demo_db, late, BROWSER, T0 + timedelta(seconds=61)) is None
    stored = str(demo_db.rows("SELECT * FROM login_handoffs"))
    assert code not in stored and BROWSER not in stored   # only hashes are kept


def test_handoff_code_only_works_in_the_browser_that_logged_in(demo_db):
    """Login CSRF: a code someone got by logging in themselves is worthless in another
    browser (another key, or none), and is spent by the attempt."""
    uid = user_of(demo_db, LEAD).id
    for other in ("key-of-another-browser", "", None):
        code = sessions.create_handoff(demo_db, uid, BROWSER, T0)
        assert sessions.redeem_handoff(demo_db, code, other, T0 + timedelta(seconds=1)) is None
        # spent: not even the right browser can use it afterwards
        assert sessions.redeem_handoff(demo_db, code, BROWSER, T0 + timedelta(seconds=2)) is None
    code = sessions.create_handoff(demo_db, uid, BROWSER, T0)
    assert sessions.redeem_handoff(demo_db, code, BROWSER, T0 + timedelta(seconds=1))
    with pytest.raises(ValueError):
        sessions.create_handoff(demo_db, uid, "", T0)   # never a code bound to no browser


def test_handoff_refused_for_disabled_account(demo_db):
    uid = user_of(demo_db, STEERING).id
    code = sessions.create_handoff(demo_db, uid, BROWSER)
    users.disable(demo_db, user_of(demo_db, LEAD), STEERING)
    assert sessions.redeem_handoff(demo_db, code, BROWSER) is None


def _request(path: str, query: str = "", cookies: str = "", scheme: str = "http",
             method: str = "GET", headers: dict | None = None) -> Request:
    raw = [(b"host", b"localhost:8501")]
    if cookies:
        raw.append((b"cookie", cookies.encode()))
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": method, "path": path, "scheme": scheme,
                    "query_string": query.encode(), "headers": raw,
                    "server": ("localhost", 8501), "root_path": ""})


def _routes(db):
    return {(r.path, m): r.endpoint for r in cookie.make_routes(lambda: db) for m in r.methods
            if m != "HEAD"}


def _login(routes, query, cookies=f"{cookie.BROWSER_COOKIE}={BROWSER}", **kw):
    return routes[cookie.LOGIN_ROUTE, "GET"](_request(cookie.LOGIN_ROUTE, query, cookies, **kw))


def test_login_route_sets_an_httponly_cookie_and_returns_to_the_page(demo_db):
    routes = _routes(demo_db)
    code = sessions.create_handoff(demo_db, user_of(demo_db, LEAD).id, BROWSER)
    resp = _login(routes, f"code={code}&next=/pilot",
                  headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status_code == 303 and resp.headers["location"] == "/pilot"
    set_cookie = resp.headers["set-cookie"]
    assert set_cookie.startswith(f"{cookie.COOKIE}=")
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    assert "Max-Age=43200" in set_cookie and "Secure" not in set_cookie
    token = set_cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resolve(demo_db, token) is not None
    # the same code again: no cookie, and the log-in page is told why
    again = _login(routes, f"code={code}&next=/pilot")
    assert "set-cookie" not in again.headers
    assert again.headers["location"] == f"/pilot?{cookie.LOGIN_FAILED}"
    # behind https (as uvicorn decided: directly or from a trusted proxy) the cookie is Secure
    code2 = sessions.create_handoff(demo_db, user_of(demo_db, LEAD).id, BROWSER)
    resp2 = _login(routes, f"code={code2}", scheme="https")
    assert "Secure" in resp2.headers["set-cookie"]


def test_login_route_refuses_another_browser_and_other_sites(demo_db):
    routes = _routes(demo_db)
    uid = user_of(demo_db, LEAD).id
    # the attacker's code in the victim's browser (another key, or no key at all)
    for cookies in (f"{cookie.BROWSER_COOKIE}=victims-key", ""):
        code = sessions.create_handoff(demo_db, uid, BROWSER)
        resp = _login(routes, f"code={code}", cookies=cookies)
        assert resp.status_code == 303 and "set-cookie" not in resp.headers
    # sent by another site: refused before the code is even looked at
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "http://evil.example"}, {"Origin": "null"}):
        code = sessions.create_handoff(demo_db, uid, BROWSER)
        resp = _login(routes, f"code={code}", headers=headers)
        assert resp.status_code == 403 and "set-cookie" not in resp.headers, headers
        assert "andere website" in resp.body.decode()
        # the code was not spent by the refused request
        assert _login(routes, f"code={code}").headers.get("set-cookie", "").startswith(
            cookie.COOKIE)


def test_no_open_redirect():
    for bad in ["https://evil.example", "//evil.example", "/\\evil", "javascript:alert(1)",
                "/pilot?x=1", None, ""]:
        assert cookie.safe_next(bad) == "/"
    assert cookie.safe_next("/overzicht") == "/overzicht"


def test_logout_is_a_same_origin_post_that_ends_the_session(demo_db):
    routes = _routes(demo_db)
    assert (cookie.LOGOUT_ROUTE, "GET") not in routes   # GET never logs out
    token = sessions.create(demo_db, user_of(demo_db, LEAD).id)
    jar = f"{cookie.COOKIE}={token}"
    post = routes[cookie.LOGOUT_ROUTE, "POST"]
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "http://localhost:9999"}, {"Sec-Fetch-Site": "same-site"}):
        resp = post(_request(cookie.LOGOUT_ROUTE, cookies=jar, method="POST", headers=headers))
        assert resp.status_code == 403 and "set-cookie" not in resp.headers, headers
        assert sessions.resolve(demo_db, token) is not None, headers
    resp = post(_request(cookie.LOGOUT_ROUTE, cookies=jar, method="POST",
                         headers={"Origin": "http://localhost:8501",
                                  "Sec-Fetch-Site": "same-origin"}))
    assert resp.status_code == 303 and resp.headers["location"] == "/"
    assert f'{cookie.COOKIE}=""' in resp.headers["set-cookie"] \
        or "Max-Age=0" in resp.headers["set-cookie"]
    assert sessions.resolve(demo_db, token) is None


def test_logout_page_never_logs_out_and_submits_itself_only_for_an_ended_session(demo_db):
    routes = _routes(demo_db)
    page = routes[cookie.LOGOUT_PAGE, "GET"]
    token = sessions.create(demo_db, user_of(demo_db, LEAD).id)
    jar = f"{cookie.COOKIE}={token}"
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        body = page(_request(cookie.LOGOUT_PAGE, cookies=jar, headers=headers)).body.decode()
        assert cookie.LOGOUT_SCRIPT not in body and "Wilt u uitloggen" in body
        assert 'method="post" action="/auth/logout"' in body
        assert sessions.resolve(demo_db, token) is not None
    sessions.end(demo_db, token)   # what the Uitloggen button did through the websocket
    same = page(_request(cookie.LOGOUT_PAGE, "lang=en", jar, headers={"Sec-Fetch-Site":
                                                                      "same-origin"}))
    assert cookie.LOGOUT_SCRIPT in same.body.decode() and "Logging you out" in same.body.decode()
    cross = page(_request(cookie.LOGOUT_PAGE, cookies=jar,
                          headers={"Sec-Fetch-Site": "cross-site"}))
    assert cookie.LOGOUT_SCRIPT not in cross.body.decode()


def test_lead_session_check(demo_db):
    lead = sessions.create(demo_db, user_of(demo_db, LEAD).id)
    steering = sessions.create(demo_db, user_of(demo_db, STEERING).id)
    assert cookie.is_lead_session(demo_db, lead)
    assert not cookie.is_lead_session(demo_db, steering)
    assert not cookie.is_lead_session(demo_db, None)
    sessions.end(demo_db, lead)
    assert not cookie.is_lead_session(demo_db, lead)
