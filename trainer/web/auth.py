"""Signed session cookies and CSRF tokens.

The cookie holds the user id and a CSRF token, signed (itsdangerous, HMAC-SHA1 over a secret
kept in the app home, shared by every process on that home) and timestamped: a forged or
expired cookie reads as signed out. Forms carry the CSRF token; a POST without the cookie's
token is refused (403)."""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["COOKIE", "Cookies", "SignedIn", "load_secret"]

COOKIE = "trainer_session"
LOGIN_CSRF = "trainer_login_csrf"
MAX_AGE = 12 * 3600


def load_secret(home: Path) -> str:
    """The cookie secret: ``TRAINER_WEB_SECRET``, else ``home/web-secret`` (made once, 0600)."""
    if os.environ.get("TRAINER_WEB_SECRET"):
        return os.environ["TRAINER_WEB_SECRET"]
    path = home / "web-secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    csrf: str


class Cookies:
    def __init__(self, secret: str, max_age: int = MAX_AGE) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="trainer-session")
        self.max_age = max_age

    def issue(self, user_id: int) -> str:
        return str(self.serializer.dumps({"uid": user_id, "csrf": secrets.token_urlsafe(24)}))

    def read(self, value: str | None) -> SignedIn | None:
        """The signed-in user, or None for a missing, forged or expired cookie."""
        if not value:
            return None
        try:
            data: Any = self.serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is a BadSignature
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        return SignedIn(data["uid"], str(data.get("csrf", "")))


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
