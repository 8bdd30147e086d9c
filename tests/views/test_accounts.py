from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_sign_in_by_email_address_in_any_case(client, council):
    response = client.post(reverse("login"), {"username": council.officer.email.upper(), "password": PASSWORD})
    assert response.url == reverse("dashboard")


def test_wrong_password_gets_a_clear_error(client, council):
    response = client.post(reverse("login"), {"username": council.officer.email, "password": "nope"})
    assert "Enter a correct email address and password" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(client, council):
    client.force_login(council.officer)
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, council):
    client.post(reverse("password_reset"), {"email": council.officer.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"}
    )
    assert response.url == reverse("password_reset_complete")
    signed_in = client.post(reverse("login"), {"username": council.officer.email, "password": "a-brand-new-passphrase"})
    assert signed_in.url == reverse("dashboard")


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 0
