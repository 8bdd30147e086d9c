"""Email through GOV.UK Notify: a stand-in for Notify's API on loopback checks each request as Notify would
(the token signed with the service's secret, issued by the service, fresh) and records it."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import mailers
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import OctKey

from assessment.email_backends import NotifyEmailBackend
from assessment.models import Invitation
from assessment.services.teams import invitation_email_deliver

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"councilmaturity-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class NotifyStandIn(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = 201

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, OctKey.import_key(SECRET)).claims  # raises if not signed with the secret
        assert claims["iss"] == SERVICE_ID and abs(claims["iat"] - time.time()) < 30
        assert self.path == "/v2/notifications/email"
        type(self).received.append(body)
        self.send_response(type(self).answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}')

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


@pytest.fixture
def notify(settings):
    NotifyStandIn.received, NotifyStandIn.answer = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotifyStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "assessment.email_backends.NotifyEmailBackend",
            "OPTIONS": {
                "api_key": API_KEY,
                "template_id": TEMPLATE_ID,
                "base_url": f"http://127.0.0.1:{server.server_port}",
            },
        }
    }
    yield NotifyStandIn
    server.shutdown()


@pytest.fixture
def invitation(council):
    return Invitation.objects.create(
        organisation=council.organisation, email="new.officer@council.example", token_hash="h" * 64,
        invited_by=council.lead, expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip


def test_an_invitation_goes_out_through_notifys_template(notify, invitation):
    invitation_email_deliver(invitation_id=invitation.pk, base_url="https://maturity.example/")

    (sent,) = notify.received
    assert sent["email_address"] == "new.officer@council.example"
    assert sent["template_id"] == TEMPLATE_ID
    assert "digital maturity assessment" in sent["personalisation"]["subject"]
    assert "https://maturity.example/invitations/" in sent["personalisation"]["body"]
    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.Email.SENT


def test_a_message_notify_refuses_is_recorded_as_not_sent(notify, invitation):
    notify.answer = 400  # for example, a team-only key and an address outside the team

    invitation_email_deliver(invitation_id=invitation.pk, base_url="https://maturity.example/")

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.Email.FAILED


def test_notify_without_its_key_and_template_is_a_clear_configuration_error(settings):
    settings.MAILERS = {"default": {"BACKEND": "assessment.email_backends.NotifyEmailBackend", "OPTIONS": {}}}

    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        mailers["default"]


def test_the_key_is_read_as_notify_writes_it():
    backend = NotifyEmailBackend(api_key=API_KEY, template_id=TEMPLATE_ID)

    assert (backend.service_id, backend.secret) == (SERVICE_ID, SECRET)
