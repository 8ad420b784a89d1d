"""The server: the Streamlit app (``app.py``) behind the routes a signed-in county needs.

``streamlit run server.py`` (``make run``) serves ``app.py`` and, beside it:

- ``/signin`` — the local sign-in form (GET) and its check (POST): Argon2 passwords, lockout, a signed,
  expiring session in an HttpOnly cookie; CSRF by a double-submitted token;
- ``/signout`` — a confirmation (GET) and the end of the session (POST);
- ``/files/original/<batch>`` — an archived original department file, to an administrator only, audited.

The pages read the same session cookie (``st.context.cookies``) and ask :mod:`rural.auth` who it is; a
request without a valid session gets the sign-in page and nothing else. With ``mode = "oidc"`` in
``[auth]`` of the settings, Streamlit's own ``st.login`` is configured here from the settings and the
keys (no secrets file in the repository).
"""
from __future__ import annotations

import functools
import hmac
import secrets
import sys
from urllib.parse import quote

import streamlit as st
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from rural import access, auth, keys, web
from rural.db import database_url, make_engine

CSRF_COOKIE = "rural_csrf"


@functools.cache
def _engine():
    return make_engine(database_url())


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//host`` or a full address)."""
    v = (value or "/").strip()
    return v if v.startswith("/") and not v.startswith("//") and "\\" not in v and "\n" not in v else "/"


def _page(title: str, body: str, status: int = 200, csrf: str | None = None, secure: bool = False) -> HTMLResponse:
    resp = HTMLResponse(web.page(title, body), status_code=status, headers=web.SECURITY_HEADERS)
    if csrf:
        resp.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=secure, path="/")
    return resp


def _csrf_ok(request: Request, form) -> bool:
    sent, kept = form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")
    return bool(sent) and bool(kept) and hmac.compare_digest(str(sent), kept)


async def signin(request: Request) -> Response:
    engine = _engine()
    nxt = _next(request.query_params.get("next"))
    if not auth.has_accounts(engine):
        return _page("乡村振兴指标看板", web.no_accounts(), status=403)
    if request.method == "GET":
        token = secrets.token_urlsafe(24)
        return _page("登录 · 乡村振兴指标看板", web.signin_form(nxt, token), csrf=token, secure=_secure(request))
    form = await request.form()
    token = secrets.token_urlsafe(24)
    if not _csrf_ok(request, form):
        return _page("登录 · 乡村振兴指标看板", web.signin_form(nxt, token, "页面已过期，请重新登录。"), status=400,
                     csrf=token, secure=_secure(request))
    try:
        principal = auth.sign_in(engine, str(form.get("account", "")).strip(), str(form.get("password", "")))
    except auth.SignInFailed as exc:
        return _page("登录 · 乡村振兴指标看板", web.signin_form(nxt, token, exc.text), status=401,
                     csrf=token, secure=_secure(request))
    resp = RedirectResponse(_next(form.get("next")), status_code=303)
    resp.set_cookie(auth.SESSION_COOKIE, auth.issue_session(engine, principal), httponly=True, samesite="lax",
                    secure=_secure(request), path="/", max_age=int(auth.session_hours() * 3600))
    resp.delete_cookie(CSRF_COOKIE, path="/")
    return resp


async def signout(request: Request) -> Response:
    engine = _engine()
    if request.method == "GET":
        token = secrets.token_urlsafe(24)
        return _page("退出登录 · 乡村振兴指标看板", web.signout_form(token), csrf=token, secure=_secure(request))
    form = await request.form()
    if not _csrf_ok(request, form):
        return RedirectResponse("/signout", status_code=303)
    session = request.cookies.get(auth.SESSION_COOKIE)
    if session:
        auth.end_session(engine, session)
    resp = RedirectResponse("/signin", status_code=303)
    resp.delete_cookie(auth.SESSION_COOKIE, path="/")
    resp.delete_cookie(CSRF_COOKIE, path="/")
    return resp


async def original(request: Request) -> Response:
    """An archived original, to an administrator only; anything else gets nothing but a pointer to sign in."""
    from etl import service

    engine = _engine()
    principal = auth.principal_from_token(engine, request.cookies.get(auth.SESSION_COOKIE, ""))
    if principal is None:
        return _page("请先登录", web.please_sign_in(f"/signin?next={quote(request.url.path)}"), status=401)
    try:
        name, data = service.original_file(engine, int(request.path_params["batch"]), principal=principal)
    except LookupError:
        return _page("没有原件", web.denied("没有这个批次。"), status=404)
    except access.Denied as exc:
        return _page("无权下载", web.denied(exc.text), status=403)
    if data is None:
        return _page("没有原件", web.denied("该批次没有存档的原始文件（命令行载入的文件不存档）。"), status=404)
    return Response(data, media_type="application/octet-stream", headers={
        **web.SECURITY_HEADERS, "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _script_error(exc: Exception) -> bool:
    """A page that fails shows a Chinese message, never a traceback (the log keeps the type only)."""
    st.error("页面出错了，请刷新后重试；如仍出错，请联系管理员。")
    return True


def _start_checks() -> None:
    """Refuse to start on a county's database with the sample, an empty or a missing key (the message says how
    to set them); the bundled sample runs with its public sample key."""
    try:
        keys.check_keys(_engine())
    except keys.KeyProblem as exc:
        print(exc.text, file=sys.stderr)
        raise SystemExit(2) from None


_start_checks()
app = st.App("app.py", routes=[
    Route("/signin", signin, methods=["GET", "POST"]),
    Route("/signout", signout, methods=["GET", "POST"]),
    Route("/files/original/{batch:int}", original, methods=["GET"]),
], secrets=auth.streamlit_secrets() or None, on_script_error=_script_error)
