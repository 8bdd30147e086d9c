"""Invitation emails go out after the invitation commits, from a task; a mail server that is down never loses
an invitation: the team page says so, tries again later where a worker runs, and lets the person inviting
send it again or get a link to send themselves. Each email carries a new link; earlier ones stop working."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.models import Invitation
from tests.factories import MembershipFactory
from tests.two_factor import sign_in_with_code

# Committed for real, as in production, so that the email goes (inline) before the page says how it went.
pytestmark = pytest.mark.django_db(transaction=True)

MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


@pytest.fixture
def admin_client(client, council):
    admin = MembershipFactory(organisation=council.organisation, role="organisation_admin").user
    sign_in_with_code(client, admin)
    return client


def _invite(client, council, email="new.officer@council.example"):
    return client.post(
        reverse("team", kwargs={"pk": council.organisation.pk}), {"email": email, "role": "officer"}, follow=True
    )


def _resend(client, council, invitation, how):
    return client.post(
        reverse("invitation_resend", kwargs={"pk": council.organisation.pk, "invitation_pk": invitation.pk}),
        {"how": how},
        follow=True,
    )


def _link_in(text: str) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", text).group(1)


def test_with_the_mail_server_down_the_invitation_is_kept_and_can_be_sent_again(admin_client, council, settings):
    settings.MAILERS = MAIL_SERVER_DOWN
    page = _invite(admin_client, council).content.decode()

    assert "the email could not be sent" in page
    assert "Not sent" in page and "Send again" in page
    invitation = Invitation.objects.get(email="new.officer@council.example")
    assert invitation.email_status == Invitation.Email.FAILED

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    page = _resend(admin_client, council, invitation, "email").content.decode()

    assert "An invitation has been emailed to new.officer@council.example" in page
    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.Email.SENT
    assert admin_client.get(_link_in(mail.outbox[-1].body)).status_code == 200


def test_a_link_to_send_yourself_replaces_the_emailed_one(admin_client, council):
    _invite(admin_client, council)
    emailed = _link_in(mail.outbox[-1].body)
    invitation = Invitation.objects.get()

    page = _resend(admin_client, council, invitation, "link").content.decode()

    own = _link_in(page)
    assert own != emailed
    admin_client.logout()
    assert admin_client.get(emailed).status_code == 404  # any link emailed before no longer works
    assert admin_client.get(own).status_code == 200


def test_an_officer_cannot_resend_and_nothing_is_sent(client, council):
    invitation = Invitation.objects.create(
        organisation=council.organisation, email="x@council.example", token_hash="h" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    client.force_login(council.officer)
    response = client.post(
        reverse("invitation_resend", kwargs={"pk": council.organisation.pk, "invitation_pk": invitation.pk}),
        {"how": "link"},
    )
    assert response.status_code == 403 and mail.outbox == []
    assert Invitation.objects.get().token_hash == "h" * 64


def test_where_a_worker_runs_a_failed_email_is_tried_again_later_then_sent(admin_client, council, settings, task_queue):
    settings.MAILERS = MAIL_SERVER_DOWN
    page = _invite(admin_client, council).content.decode()
    assert "An invitation is being emailed" in page
    task_queue()  # the worker: the mail server is down

    invitation = Invitation.objects.get()
    assert invitation.email_status == Invitation.Email.SENDING and invitation.email_attempts == 1
    waiting = DBTaskResult.objects.ready()
    assert waiting.count() == 0  # the retry waits a minute
    assert DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).count() == 1
    assert (
        "tried 1 time; trying again"
        in admin_client.get(reverse("team", args=[council.organisation.pk])).content.decode()
    )

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    DBTaskResult.objects.update(run_after=timezone.now())  # a minute later
    task_queue()

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.Email.SENT and invitation.email_attempts == 2
    assert admin_client.get(_link_in(mail.outbox[-1].body)).status_code == 200


def test_after_five_failed_attempts_the_team_page_says_not_sent(admin_client, council, settings, task_queue):
    settings.MAILERS = MAIL_SERVER_DOWN
    _invite(admin_client, council)
    for _ in range(5):
        DBTaskResult.objects.update(run_after=timezone.now())
        task_queue()

    invitation = Invitation.objects.get()
    assert invitation.email_status == Invitation.Email.FAILED and invitation.email_attempts == 5
    assert DBTaskResult.objects.ready().count() == 0
    assert "Not sent" in admin_client.get(reverse("team", args=[council.organisation.pk])).content.decode()


def test_a_try_overtaken_by_send_again_or_a_link_sends_nothing(admin_client, council):
    """A retry queued before "Send again" or "Get a link to send yourself" must not email a second link that
    replaces the one just sent or handed over."""
    from assessment.services.teams import invitation_email_deliver

    _invite(admin_client, council)
    invitation = Invitation.objects.get()
    retry = {"invitation_id": invitation.pk, "base_url": "http://testserver/"}
    Invitation.objects.filter(pk=invitation.pk).update(email_status=Invitation.Email.SENDING)  # a retry waits

    own = _link_in(_resend(admin_client, council, invitation, "link").content.decode())
    sent = len(mail.outbox)
    invitation_email_deliver(**retry)  # a task queued before the first try
    invitation_email_deliver(**retry, attempt=invitation.email_attempts)  # the retry queued after it

    assert len(mail.outbox) == sent
    admin_client.logout()
    assert admin_client.get(own).status_code == 200  # the link handed over still works


def test_an_email_sent_again_gives_the_invitations_own_expiry_date(admin_client, council):
    _invite(admin_client, council)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=2, hours=1))

    _resend(admin_client, council, invitation, "email")

    expires = timezone.localtime(Invitation.objects.get().expires_at)
    assert f"expires in 2 days, on {expires.day} {expires:%B %Y}" in mail.outbox[-1].body
