"""Signing in with OpenID Connect: DfE Sign-in for staff, GOV.UK One Login for families.

The protocol only: the authorisation request, the code exchange and the checks on the ID token.
Who the verified claims belong to is `services.person_for_identity`; the pages are in `views`.

Both providers use the authorisation code flow with a state, a nonce and PKCE (RFC 7636). DfE
Sign-in authenticates our client with its secret (client_secret_basic); One Login with a JWT
signed by our private key (private_key_jwt, RFC 7523) and signs ID tokens with ES256.
Sources: OpenID Connect Core 1.0 section 3.1.3.7 (ID token validation); GOV.UK One Login
technical documentation, "Integrate with GOV.UK One Login"; DfE Sign-in OIDC documentation.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

# Seconds we wait for a provider before saying it is not available.
PROVIDER_TIMEOUT = 10
# Seconds of clock difference allowed between us and the provider when checking `exp` and `iat`.
CLOCK_LEEWAY = 60

DFE_SIGN_IN = "dfe-sign-in"
ONE_LOGIN = "one-login"


class Failure(StrEnum):
    """Why a sign-in with a provider did not start a session (the audit reason names it)."""

    PROVIDER_DOWN = "provider_down"
    ACCESS_DENIED = "access_denied"
    STATE_MISMATCH = "state_mismatch"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    NONCE_MISMATCH = "nonce_mismatch"
    EXPIRED_TOKEN = "expired_token"
    BAD_SIGNATURE = "bad_signature"
    LOW_CONFIDENCE = "low_confidence"
    PROTOCOL_ERROR = "protocol_error"
    UNVERIFIED_EMAIL = "unverified_email"
    NO_ACCOUNT = "no_account"
    WRONG_ORGANISATION = "wrong_organisation"


class SignInFailed(Exception):
    """A sign-in with a provider failed; `failure` says why and `detail` is for the audit row,
    with `person` when we know who tried (someone invited, but not for that organisation)."""

    def __init__(self, failure: Failure, detail: str = "", person: Any = None) -> None:
        super().__init__(f"{failure.value}: {detail}" if detail else failure.value)
        self.failure = failure
        self.detail = detail
        self.person = person


@dataclass(frozen=True)
class ProviderSettings:
    """One provider as configured from the environment (settings.PASSPORT_OIDC_PROVIDERS)."""

    slug: str
    name: str
    issuer: str
    client_id: str
    scopes: tuple[str, ...]
    id_token_alg: str
    client_secret: str = ""
    private_key: str = ""
    vtr: str = ""
    # The identity provider checks a second factor, so our authenticator-app step is skipped.
    checks_second_factor: bool = True

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def configured_providers() -> dict[str, ProviderSettings]:
    """Return the providers this deployment has configured, by slug (none unless configured)."""
    found = {}
    for slug, values in getattr(settings, "PASSPORT_OIDC_PROVIDERS", {}).items():
        found[slug] = ProviderSettings(
            slug=slug,
            name=values["name"],
            issuer=values["issuer"],
            client_id=values["client_id"],
            scopes=tuple(values["scopes"]),
            id_token_alg=values["id_token_alg"],
            client_secret=values.get("client_secret", ""),
            private_key=values.get("private_key", ""),
            vtr=values.get("vtr", ""),
        )
    return found


@dataclass
class PendingSignIn:
    """What we keep in the session between sending someone to the provider and their return."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    next_url: str = ""

    def as_session(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "next_url": self.next_url,
        }

    @classmethod
    def from_session(cls, value: Any) -> PendingSignIn | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(**{name: str(value[name]) for name in cls.__dataclass_fields__})
        except KeyError:
            return None


@dataclass
class VerifiedSignIn:
    """The claims of a checked ID token (and userinfo), and the token for signing out later."""

    issuer: str
    subject: str
    claims: dict[str, Any] = field(default_factory=dict)
    id_token: str = ""


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=PROVIDER_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInFailed(Failure.PROVIDER_DOWN, f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise SignInFailed(Failure.PROVIDER_DOWN, f"{url} did not answer with a JSON object")
    return document


REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def discover(provider: ProviderSettings) -> dict[str, Any]:
    """Return the provider's discovery document; SignInFailed(PROVIDER_DOWN) if unreachable or
    missing an endpoint we need."""
    document = _get_json(provider.discovery_url)
    missing = [name for name in REQUIRED_ENDPOINTS if not isinstance(document.get(name), str)]
    if missing:
        raise SignInFailed(Failure.PROVIDER_DOWN, f"discovery names no {', '.join(missing)}")
    return document


def _session(provider: ProviderSettings, redirect_uri: str, token_endpoint: str) -> OAuth2Session:
    if provider.private_key:
        session = OAuth2Session(
            provider.client_id,
            _private_key(provider),
            scope=" ".join(provider.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="private_key_jwt",
        )
        session.register_client_auth_method(PrivateKeyJWT(token_endpoint, alg="ES256"))
        return session
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def _private_key(provider: ProviderSettings) -> ECKey:
    """Our One Login signing key, from PEM text or a JWK as JSON (a P-256 key, for ES256)."""
    text = provider.private_key.strip()
    return ECKey.import_key(json.loads(text) if text.startswith("{") else text)


def start(
    provider: ProviderSettings, redirect_uri: str, next_url: str = ""
) -> tuple[str, PendingSignIn]:
    """Return the provider's authorisation URL to send the person to, and what to remember."""
    endpoints = discover(provider)
    pending = PendingSignIn(
        provider=provider.slug,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        next_url=next_url,
    )
    extra = {"nonce": pending.nonce}
    if provider.vtr:
        extra["vtr"] = provider.vtr
    session = _session(provider, redirect_uri, endpoints["token_endpoint"])
    url, _ = session.create_authorization_url(
        endpoints["authorization_endpoint"],
        state=pending.state,
        code_verifier=pending.code_verifier,
        **extra,
    )
    return url, pending


def finish(
    provider: ProviderSettings, redirect_uri: str, params: dict[str, str], pending: PendingSignIn
) -> VerifiedSignIn:
    """Check the provider's answer, exchange the code and check the ID token; return its claims.

    Raises SignInFailed saying what was wrong.
    """
    if not hmac.compare_digest(params.get("state", ""), pending.state):
        raise SignInFailed(Failure.STATE_MISMATCH, "the state does not match this browser's")
    if params.get("error"):
        failure = (
            Failure.ACCESS_DENIED if params["error"] == "access_denied" else Failure.PROTOCOL_ERROR
        )
        raise SignInFailed(failure, f"{params['error']}: {params.get('error_description', '')}")
    if not params.get("code"):
        raise SignInFailed(Failure.PROTOCOL_ERROR, "no authorisation code")
    endpoints = discover(provider)
    session = _session(provider, redirect_uri, endpoints["token_endpoint"])
    try:
        token = session.fetch_token(
            endpoints["token_endpoint"],
            code=params["code"],
            code_verifier=pending.code_verifier,
            timeout=PROVIDER_TIMEOUT,
        )
    except requests.RequestException as error:
        raise SignInFailed(Failure.PROVIDER_DOWN, f"token endpoint: {error}") from error
    except (AuthlibBaseError, ValueError) as error:  # an error answer, or one that is not JSON
        raise SignInFailed(Failure.PROTOCOL_ERROR, f"token endpoint: {error}") from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInFailed(Failure.PROTOCOL_ERROR, "the token response holds no ID token")
    claims = check_id_token(provider, id_token, _get_json(endpoints["jwks_uri"]), pending.nonce)
    userinfo_endpoint = endpoints.get("userinfo_endpoint")
    access_token = token.get("access_token")
    if isinstance(userinfo_endpoint, str) and isinstance(access_token, str):
        claims = {**_userinfo(userinfo_endpoint, access_token, claims["sub"]), **claims}
    return VerifiedSignIn(
        issuer=provider.issuer, subject=claims["sub"], claims=claims, id_token=id_token
    )


def _userinfo(url: str, access_token: str, subject: str) -> dict[str, Any]:
    try:
        response = requests.get(
            url, headers={"Authorization": f"Bearer {access_token}"}, timeout=PROVIDER_TIMEOUT
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInFailed(Failure.PROVIDER_DOWN, f"userinfo: {error}") from error
    # OpenID Connect Core 5.3.2: userinfo for another subject must not be used.
    if not isinstance(info, dict) or info.get("sub") != subject:
        raise SignInFailed(Failure.PROTOCOL_ERROR, "userinfo is for a different subject")
    return info


def check_id_token(
    provider: ProviderSettings, id_token: str, jwks: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """Return the ID token's claims once its signature, issuer, audience, time and nonce are
    right (OpenID Connect Core 1.0 section 3.1.3.7); otherwise raise SignInFailed."""
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        decoded = jwt.decode(id_token, keys, algorithms=[provider.id_token_alg])
    except JoseError as error:
        raise SignInFailed(Failure.BAD_SIGNATURE, f"{type(error).__name__}: {error}") from error
    claims = dict(decoded.claims)
    if claims.get("iss") != provider.issuer:
        raise SignInFailed(Failure.WRONG_ISSUER, f"issuer {claims.get('iss')!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences or (
        len(audiences) > 1 and claims.get("azp") != provider.client_id
    ):
        raise SignInFailed(Failure.WRONG_AUDIENCE, f"audience {audience!r}")
    now = time.time()
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires + CLOCK_LEEWAY < now:
        raise SignInFailed(Failure.EXPIRED_TOKEN, f"expired at {expires!r}")
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or issued - CLOCK_LEEWAY > now:
        raise SignInFailed(Failure.EXPIRED_TOKEN, f"issued at {issued!r}, in the future")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInFailed(Failure.NONCE_MISMATCH, "the nonce does not match this sign-in's")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInFailed(Failure.PROTOCOL_ERROR, "the ID token names no subject")
    if provider.vtr:
        asked = json.loads(provider.vtr)
        if claims.get("vot") not in asked:
            raise SignInFailed(Failure.LOW_CONFIDENCE, f"vot {claims.get('vot')!r}")
    return claims


def end_session_url(
    provider: ProviderSettings, id_token: str, post_logout_redirect_uri: str
) -> str | None:
    """Return where to send the person to sign out at the provider too (None if it cannot)."""
    try:
        endpoint = discover(provider).get("end_session_endpoint")
    except SignInFailed:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
