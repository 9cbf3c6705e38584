"""Mail leaves through SMTP only after the transaction commits."""
import socketserver
import threading

import pytest

from reviewapp.extensions import db
from reviewapp.mail import send_mail


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib to deliver one message."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 test ready")
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.server.messages.append(b"".join(lines))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


@pytest.fixture
def smtp_server(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1])
    yield server
    server.shutdown()
    server.server_close()


def test_mail_is_sent_after_commit(app, smtp_server):
    send_mail("expert@example.cn", "评审任务", "您有 3 个案例待评审。")
    assert smtp_server.messages == []
    db.session.commit()
    assert len(smtp_server.messages) == 1
    assert b"expert@example.cn" in smtp_server.messages[0]


def test_rolled_back_mail_is_never_sent(app, smtp_server):
    send_mail("expert@example.cn", "Subject", "Body")
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []


def test_an_unreachable_server_does_not_break_the_commit(app, smtp_server):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    send_mail("expert@example.cn", "Subject", "Body")
    db.session.commit()  # logged, not raised
