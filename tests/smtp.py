"""A real SMTP server for the tests (aiosmtpd), on a free port of this machine, that keeps what it receives.
It can be stopped and started again on the same port, as a mail server that goes down and comes back."""

import email
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from tests.external_tools import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]).strip()  # as a mail client shows it, folding undone

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        body = self.message.get_body(("html",))
        return body.get_content() if body is not None else ""

    @property
    def attachments(self) -> dict[str, tuple[str, str]]:
        """{file name: (content type, content)}"""
        return {
            part.get_filename(): (part.get_content_type(), part.get_content())
            for part in self.message.iter_attachments()
        }


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.recipients]

    def message_ids(self) -> list[str]:
        return [str(mail.message["Message-ID"]) for mail in self.received]


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
