"""A real OpenID Provider for the single sign-on tests: django-oauth-toolkit's OpenID Connect provider, run
in its own process on loopback with its own database, as a council's identity provider would be.

    python -m tests.oidc_provider <config.json>

The config names the client (id, secret, redirect URI) and the people who can sign in at the provider
(email, name, password). The process prints `PORT <n>` once it is serving.
"""

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import requests

MODULE = "tests.oidc_provider"  # the name Django imports this by, whether or not it was run with -m


def _settings(database: Path) -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    login_page = (
        "<form method='post'>{% csrf_token %}{{ form }}<input type='hidden' name='next' value='{{ next }}'>"
        "<button>Sign in</button></form>"
    )
    return {
        "DEBUG": False,
        "SECRET_KEY": "oidc-provider-for-tests",
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "ROOT_URLCONF": MODULE,
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        ("django.template.loaders.locmem.Loader", {"login.html": login_page}),
                        "django.template.loaders.app_directories.Loader",
                    ],
                    "context_processors": ["django.template.context_processors.request"],
                },
            }
        ],
        "LOGIN_URL": "/login/",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "USE_TZ": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "OAUTH2_PROVIDER": {
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": pem,
            "OAUTH2_VALIDATOR_CLASS": f"{MODULE}.ClaimsValidator",
            "SCOPES": {"openid": "OpenID Connect", "email": "Email address", "profile": "Name"},
            "PKCE_REQUIRED": True,
        },
    }


def _serve(config: dict) -> None:
    import django
    from django.conf import settings

    directory = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    settings.configure(**_settings(directory / "provider.sqlite3"))
    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in config["people"]:
        given, _, family = person["name"].partition(" ")
        User.objects.create_user(
            username=person["email"], email=person["email"], password=person["password"],
            first_name=given, last_name=family,
        )  # fmt: skip
    Application.objects.create(
        name="Council digital maturity",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )

    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the standard library's name
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


PASSWORD = "provider-password-1"
CLIENT_ID = "council-digital-maturity"
CLIENT_SECRET = "client-secret-known-only-to-the-provider-and-the-service"
PEOPLE = {
    "new.officer@exampleshire.gov.uk": "Nia Officer",
    "existing.officer@exampleshire.gov.uk": "Eddie Existing",
    "invited.lead@partner.example": "Ines Invited",
    "stranger@elsewhere.example": "Sam Stranger",
}


@dataclass
class RunningProvider:
    process: subprocess.Popen
    issuer: str


def provider_start(redirect_uris: list[str], directory: Path) -> RunningProvider:
    """Start the provider in its own process and wait until it serves (a few seconds: it migrates first)."""
    config = directory / "provider.json"
    config.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "people": [{"email": e, "name": n, "password": PASSWORD} for e, n in PEOPLE.items()],
            }
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE, str(config)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"The OpenID Provider did not start: {line!r}")
    return RunningProvider(process=process, issuer=f"http://127.0.0.1:{line.split()[1]}/o")


def provider_sign_in(authorize_url: str, email: str, password: str = PASSWORD) -> str:
    """Do what a person does at their council's sign-in page: open it, sign in, and be sent back. Returns the
    URL the provider sends the browser back to (the service's callback, with the code and state)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    login_url = urljoin(authorize_url, response.headers["Location"])
    browser.get(login_url, timeout=10)
    response = browser.post(
        login_url,
        data={
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlparse(login_url).query)["next"][0],
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, "the provider refused the person's password"
    response = browser.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=10)
    return response.headers["Location"]


# Imported by Django (ROOT_URLCONF and the validator class) once the provider's settings are configured.
if __name__ != "__main__":
    from django.conf import settings as _django_settings

    if _django_settings.configured and getattr(_django_settings, "ROOT_URLCONF", "") == MODULE:
        from django.contrib.auth import views as auth_views
        from django.urls import include, path
        from oauth2_provider.oauth2_validators import OAuth2Validator

        class ClaimsValidator(OAuth2Validator):
            """Adds the person's email address and name to the ID token, as a council's provider would."""

            oidc_claim_scope = None  # every claim, whatever the scopes

            def get_additional_claims(self, request):
                user = request.user
                return {
                    "email": user.email,
                    "email_verified": True,
                    "name": f"{user.first_name} {user.last_name}".strip(),
                }

        urlpatterns = [
            path("login/", auth_views.LoginView.as_view(template_name="login.html")),
            path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        ]


if __name__ == "__main__":
    _serve(json.loads(Path(sys.argv[1]).read_text()))
