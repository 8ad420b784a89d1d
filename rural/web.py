"""The few pages the server draws itself (sign-in, sign-out, refusals): plain HTML, Chinese, no script, no
outside resource, every value escaped. And the OIDC configuration Streamlit's ``st.login`` reads."""
from __future__ import annotations

import html
import os

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;background:#f6f6f3;margin:0;color:#222}
main{max-width:360px;margin:12vh auto;padding:28px 32px;background:#fff;border:1px solid #ddd;border-radius:8px}
h1{font-size:1.3rem;margin:0 0 1.2rem}label{display:block;margin:.8rem 0 .3rem;font-size:.95rem}
input{width:100%;box-sizing:border-box;padding:.55rem .6rem;font-size:1rem;border:1px solid #bbb;border-radius:4px}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#B22222;color:#fff;border:0;border-radius:4px}
.err{background:#fdecea;color:#8a1c1c;padding:.6rem .7rem;border-radius:4px;font-size:.92rem}
p{line-height:1.6;font-size:.95rem}code{background:#f0f0f0;padding:1px 4px}a{color:#B22222}
"""


def e(value) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
            f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>")


def signin_form(next_path: str, csrf: str, error: str = "") -> str:
    err = f'<p class="err" role="alert">{e(error)}</p>' if error else ""
    return (f"<h1>乡村振兴指标看板 · 登录</h1>{err}"
            f'<form method="post" action="/signin?next={e(next_path)}">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}"><input type="hidden" name="next" value="{e(next_path)}">'
            '<label for="account">账号</label><input id="account" name="account" autocomplete="username" required autofocus>'
            '<label for="password">密码</label><input id="password" name="password" type="password" '
            'autocomplete="current-password" required>'
            "<button type=\"submit\">登录</button></form>")


def signout_form(csrf: str) -> str:
    return ("<h1>退出登录</h1><p>退出后需要重新登录才能查看数据。</p>"
            f'<form method="post" action="/signout"><input type="hidden" name="csrf" value="{e(csrf)}">'
            '<button type="submit">确认退出</button></form><p><a href="/">返回看板</a></p>')


def no_accounts() -> str:
    return ("<h1>乡村振兴指标看板</h1><p>这个数据库还没有任何账号，暂时无法登录。</p>"
            "<p>请管理员在服务器上创建第一个管理员账号：</p>"
            "<p><code>python -m rural users add 账号名 --role admin</code></p><p>命令会显示一次初始密码，登录后请修改。</p>")


def please_sign_in(href: str) -> str:
    return f'<h1>请先登录</h1><p>此内容需要登录后查看。</p><p><a href="{e(href)}">去登录</a></p>'


def denied(text: str) -> str:
    return f'<h1>无法完成</h1><p>{e(text)}</p><p><a href="/">返回看板</a></p>'


# ------------------------------------------------------------------------------------------ OIDC
OIDC_PROVIDER = "county"     # the name st.login(...) uses


def oidc_settings() -> dict | None:
    """The identity provider, from ``[auth]`` of the settings and the environment (the client secret only
    from the environment or the keys file); None unless ``mode = "oidc"``."""
    from rural.settings import get_settings

    a = get_settings().auth
    if (os.environ.get("RURAL_AUTH_MODE") or a.mode) != "oidc":
        return None
    env = os.environ.get
    return {"server_metadata_url": env("RURAL_OIDC_METADATA_URL") or a.oidc_metadata_url,
            "client_id": env("RURAL_OIDC_CLIENT_ID") or a.oidc_client_id,
            "client_secret": env("RURAL_OIDC_CLIENT_SECRET", ""),
            "redirect_uri": env("RURAL_OIDC_REDIRECT_URI") or a.oidc_redirect_uri}
