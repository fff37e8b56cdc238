"""Sign-in: OpenID Connect (Authlib) against the organisation's identity provider — Microsoft Entra ID or
Sign in with Slack — or, with none configured, a one-time local link printed by `techserv dashboard --local`.
Either way the session holds only the registered person's id; roles are read from the database per request."""
from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass

from authlib.integrations.starlette_client import OAuth, OAuthError

from bot.config import Settings

log = logging.getLogger(__name__)


class SignInRefused(Exception):
    """Sign-in failed; the message says why and what to do next."""


@dataclass
class Claims:
    email: str
    subject: str
    issuer: str


class OIDC:
    """One identity provider, configured by issuer URL, client id and client secret."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.issuer = settings.dashboard_oidc_issuer.rstrip("/")
        self.name = settings.dashboard_oidc_name
        kwargs = {"scope": settings.dashboard_oidc_scopes,
                  "token_endpoint_auth_method": settings.dashboard_oidc_token_auth}
        if settings.dashboard_oidc_pkce:
            kwargs["code_challenge_method"] = "S256"
        self.oauth = OAuth()
        self.client = self.oauth.register(
            "idp", client_id=settings.dashboard_oidc_client_id, client_secret=settings.dashboard_oidc_client_secret,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration", client_kwargs=kwargs)

    async def _metadata(self) -> dict:
        try:
            metadata = await self.client.load_server_metadata()
        except Exception as exc:  # noqa: BLE001 — network, JSON: all mean the provider cannot be used now
            raise SignInRefused(f"The identity provider at {self.issuer} could not be reached ({exc.__class__.__name__}). "
                                "Try again shortly; if it persists, check TECHSERV_DASHBOARD_OIDC_ISSUER.") from exc
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for
            raise SignInRefused(f"The identity provider's discovery document names issuer {metadata.get('issuer')!r}, "
                                f"not {self.issuer!r}: sign-in is refused. Check TECHSERV_DASHBOARD_OIDC_ISSUER.")
        return metadata

    async def redirect(self, request, redirect_uri: str):
        await self._metadata()
        return await self.client.authorize_redirect(request, redirect_uri)

    async def callback(self, request) -> Claims:
        """Exchange the code, validate the ID token (signature from the JWKS, issuer, audience = our client
        id, expiry, nonce) and return the verified email."""
        await self._metadata()
        try:
            token = await self.client.authorize_access_token(request, leeway=60)
        except OAuthError as exc:
            raise SignInRefused(f"The identity provider refused or did not complete the sign-in "
                                f"({exc.error or 'error'}: {exc.description or 'no detail'}). Try signing in again.") from exc
        except Exception as exc:  # noqa: BLE001 — joserfc raises its own errors for bad signatures and claims
            raise SignInRefused(f"The sign-in token was not valid ({exc.__class__.__name__}: {exc}). "
                                "Try signing in again; if it keeps failing, ask your administrator to check the "
                                "dashboard's OpenID Connect settings.") from exc
        claims = token.get("userinfo")
        if not claims:
            raise SignInRefused("The identity provider sent no ID token: check that the 'openid' scope is allowed.")
        email = str(claims.get(self.settings.dashboard_oidc_email_claim) or "").strip().lower()
        if "@" not in email:
            raise SignInRefused(f"Your sign-in carried no email (claim '{self.settings.dashboard_oidc_email_claim}'). "
                                "Ask your administrator to add the email claim (README › Dashboard).")
        if claims.get("email_verified") is False:
            raise SignInRefused("Your identity provider says your email address is not verified: verify it, then sign in again.")
        team = claims.get("https://slack.com/team_id")
        if team and self.settings.slack_team_id and team != self.settings.slack_team_id:
            raise SignInRefused("You signed in to a different Slack workspace from the one this assistant serves.")
        return Claims(email, str(claims.get("sub", "")), str(claims.get("iss", "")))


class LocalSignIn:
    """One-time, short-lived sign-in links for the embedded mode (127.0.0.1 only). Tokens live in this
    process's memory (hashed); each works once, within ``ttl_seconds``."""

    def __init__(self, ttl_seconds: float = 900, clock=time.monotonic):
        self.ttl = ttl_seconds
        self.clock = clock
        self._tokens: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self, person_id: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[self._key(token)] = (person_id, self.clock() + self.ttl)
        return token

    def redeem(self, token: str) -> int | None:
        """The person the token was issued for, or None (unknown, used or expired). Consumes it."""
        with self._lock:
            found = self._tokens.pop(self._key(token or ""), None)
            now = self.clock()
            self._tokens = {k: v for k, v in self._tokens.items() if v[1] > now}
        if found is None or found[1] <= now:
            return None
        return found[0]
