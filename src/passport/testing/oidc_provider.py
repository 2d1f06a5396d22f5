"""A real OpenID provider for tests: tests/oidc/provider.mjs (npm `oidc-provider`) under node.

`start_provider` runs it with a configuration, waits for its discovery document and returns a
handle; the fixtures in people/tests and tests/browser configure it as DfE Sign-in (a client
secret, the `organisation` claim) and as GOV.UK One Login (private_key_jwt, ES256, PKCE, vtr).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from joserfc.jwk import ECKey

PROJECT_DIR = Path(__file__).resolve().parents[3]
SCRIPT = PROJECT_DIR / "tests" / "oidc" / "provider.mjs"
STARTUP_SECONDS = 30


@dataclass
class RunningProvider:
    """A provider under node: its issuer, the address it listens at, and its process."""

    issuer: str
    url: str
    process: subprocess.Popen[str]
    configuration: dict[str, Any] = field(default_factory=dict)

    def misbehave(self, **claims: Any) -> None:
        """Make the next ID tokens carry these claims (or `foreign_key=True`); none to stop."""
        requests.post(f"{self.url}/test/misbehave", data=json.dumps(claims), timeout=5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_provider(configuration: dict[str, Any]) -> RunningProvider:
    """Start the provider with `configuration` (see provider.mjs); wait until it answers."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed: the OpenID provider for tests needs it")
    process = subprocess.Popen(  # noqa: S603 - node runs our own script, with the test's JSON
        [node, str(SCRIPT), json.dumps(configuration)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=5)
        raise RuntimeError(f"the OpenID provider did not start (exit {process.returncode})")
    started = json.loads(line)
    running = RunningProvider(started["issuer"], started["url"], process, configuration)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            requests.get(f"{running.url}/.well-known/openid-configuration", timeout=2)
            return running
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                running.stop()
                raise
            time.sleep(0.1)


def unused_address() -> str:
    """Return a localhost address nothing listens at (a provider that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def one_login_client_key() -> ECKey:
    """Make the ES256 key pair our client signs its token-endpoint JWTs with."""
    return ECKey.generate_key("P-256", parameters={"kid": "passport-client", "alg": "ES256"})


DFE_CLIENT_ID = "support-passport-dfe"
DFE_CLIENT_SECRET = "dfe-sign-in-test-secret-of-some-length"
ONE_LOGIN_CLIENT_ID = "support-passport-one-login"


def dfe_sign_in_configuration(base_url: str, accounts: dict[str, Any]) -> dict[str, Any]:
    """DfE Sign-in: a client secret at the token endpoint and the `organisation` claim."""
    return {
        "clients": [
            {
                "client_id": DFE_CLIENT_ID,
                "client_secret": DFE_CLIENT_SECRET,
                "token_endpoint_auth_method": "client_secret_basic",
                "redirect_uris": [f"{base_url}/sign-in/with/dfe-sign-in/callback/"],
                "post_logout_redirect_uris": [f"{base_url}/sign-in/"],
                "require_pkce": True,
            }
        ],
        "accounts": accounts,
    }


def one_login_configuration(
    base_url: str, accounts: dict[str, Any], client_key: ECKey
) -> dict[str, Any]:
    """GOV.UK One Login: private_key_jwt with our ES256 key, ES256 ID tokens, PKCE, vtr/vot."""
    return {
        "clients": [
            {
                "client_id": ONE_LOGIN_CLIENT_ID,
                "token_endpoint_auth_method": "private_key_jwt",
                "subject_type": "pairwise",
                "token_endpoint_auth_signing_alg": "ES256",
                "id_token_signed_response_alg": "ES256",
                "jwks": {"keys": [client_key.as_dict(private=False)]},
                "redirect_uris": [f"{base_url}/sign-in/with/one-login/callback/"],
                "post_logout_redirect_uris": [f"{base_url}/sign-in/"],
                "require_pkce": True,
            }
        ],
        "accounts": accounts,
    }


def dfe_sign_in_settings(provider: RunningProvider, issuer: str | None = None) -> dict[str, Any]:
    """settings.PASSPORT_OIDC_PROVIDERS["dfe-sign-in"] for this provider."""
    return {
        "name": "DfE Sign-in",
        "issuer": issuer or provider.issuer,
        "client_id": DFE_CLIENT_ID,
        "client_secret": DFE_CLIENT_SECRET,
        "scopes": ["openid", "email", "profile", "organisation"],
        "id_token_alg": "RS256",
    }


def one_login_settings(provider: RunningProvider, client_key: ECKey) -> dict[str, Any]:
    """settings.PASSPORT_OIDC_PROVIDERS["one-login"] for this provider."""
    return {
        "name": "GOV.UK One Login",
        "issuer": provider.issuer,
        "client_id": ONE_LOGIN_CLIENT_ID,
        "private_key": json.dumps(client_key.as_dict(private=True)),
        "scopes": ["openid", "email"],
        "id_token_alg": "ES256",
        "vtr": '["Cl.Cm"]',
    }
