"""Email backends of our own."""

import time

import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from joserfc import jwt
from joserfc.jwk import OctKey

NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"


class ReadableConsoleBackend(DjangoConsoleBackend):
    """Prints local emails as a person reads them. Django's console backend prints the encoded message, where
    long lines are quoted-printable: a copied invitation or password-reset link then has a stray "=" and fails."""

    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")


class NotifyError(OSError):
    """GOV.UK Notify refused a message or could not be reached. An OSError, as an SMTP failure is, so callers
    treat both alike."""


class NotifyEmailBackend(BaseEmailBackend):
    """Sends email through GOV.UK Notify, which many councils use, instead of SMTP.

    Notify sends only from templates, so the service uses one email template whose subject is `((subject))` and
    whose body is `((body))`, and fills both. Configured by EMAIL_URL=notify:// with NOTIFY_API_KEY (the key
    Notify gives: its name, then the service ID and the secret, each 36 characters) and NOTIFY_TEMPLATE_ID.
    Each request carries a token signed with the key (HS256, as Notify's API asks), never the key itself."""

    def __init__(
        self,
        *,
        api_key: str = "",
        template_id: str = "",
        base_url: str = NOTIFY_BASE_URL,
        timeout: float = 10,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if len(api_key) < 74 or not template_id:
            raise ImproperlyConfigured(
                "GOV.UK Notify needs NOTIFY_API_KEY (the whole key Notify gave) and NOTIFY_TEMPLATE_ID"
            )
        self.service_id, self.secret = api_key[-73:-37], api_key[-36:]
        self.template_id = template_id
        self.url = base_url.rstrip("/") + "/v2/notifications/email"
        self.timeout = timeout

    def _token(self) -> str:
        return jwt.encode(
            {"typ": "JWT", "alg": "HS256"},
            {"iss": self.service_id, "iat": int(time.time())},
            OctKey.import_key(self.secret),
        )

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                response = requests.post(
                    self.url,
                    json={
                        "email_address": address,
                        "template_id": self.template_id,
                        "personalisation": {"subject": message.subject, "body": message.body},
                    },
                    headers={"Authorization": f"Bearer {self._token()}"},
                    timeout=self.timeout,
                )  # a connection failure raises requests' errors, which are OSErrors too
                if response.status_code >= 400:
                    raise NotifyError(f"GOV.UK Notify answered {response.status_code}: {response.text[:300]}")
                sent += 1
        return sent
