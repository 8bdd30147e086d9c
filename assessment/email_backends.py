"""Email backends of our own."""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ReadableConsoleBackend(DjangoConsoleBackend):
    """Prints local emails as a person reads them. Django's console backend prints the encoded message, where
    long lines are quoted-printable: a copied invitation or password-reset link then has a stray "=" and fails."""

    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")
