"""What every response of the viewer passes through: the access token, and headers that keep pages inert.

With a token, a request must carry it: ``Authorization: Bearer TOKEN``, the cookie this sets, or
``?token=TOKEN`` once (answered with the cookie, so the page's links work without it). Every
response forbids framing, sniffing and scripts from anywhere but the viewer itself.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["COOKIE", "Guard"]

COOKIE = "ledgerflow_token"
_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class Guard:
    """ASGI middleware: checks the token (when set) and adds the safety headers."""

    def __init__(self, app: ASGIApp, token: str | None = None) -> None:
        self.app = app
        self.token = token

    def _offered(self, scope: Scope) -> tuple[str | None, bool]:
        """The token the request carries, and whether it came in the address."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            return bearer[7:].strip(), False
        cookies = SimpleCookie(headers.get("cookie", ""))
        if COOKIE in cookies:
            return cookies[COOKIE].value, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token")
        return (given[0], True) if given else (None, False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from_address = False
        if self.token is not None:
            offered, from_address = self._offered(scope)
            if offered is None or not secrets.compare_digest(offered.encode(), self.token.encode()):
                await _refuse(send)
                return

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if from_address and self.token is not None:
                    cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, guarded)


async def _refuse(send: Send) -> None:
    body = b"This ledgerflow viewer needs its access token: open the address `ledgerflow ui` printed.\n"
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
