"""A real SMTP server (aiosmtpd) that receives the directory's e-mail in the tests. Every message it
accepts is kept as FOLDER/<n>.eml, headed by the envelope (X-Envelope-From, X-Envelope-To); a file
FOLDER/ready appears once it listens. Runs until killed.

usage: smtp_receiver.py PORT FOLDER [--auth USER:PASSWORD] [--tls CERTIFICATE KEY]
  --auth  AUTH PLAIN/LOGIN required before MAIL, with these credentials (also over plain connections)
  --tls   STARTTLS offered with this certificate, and required before anything else
"""
import argparse
import itertools
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("folder")
parser.add_argument("--auth")
parser.add_argument("--tls", nargs=2)
arguments = parser.parse_args()
os.makedirs(arguments.folder, exist_ok=True)
numbers = itertools.count(1)


class Keep:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(arguments.folder, "%04d.eml" % next(numbers))
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos))
        with open(name + ".part", "wb") as kept:
            kept.write(head.encode() + envelope.original_content)
        os.rename(name + ".part", name)  # whole, or not there
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = arguments.auth.split(":", 1)
    good = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd answers a failure with 535 itself (handled=True would leave the client waiting).
    return AuthResult(success=good, handled=False)


options = {}
if arguments.auth:
    options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(arguments.tls))
if arguments.tls:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*arguments.tls)
    options.update(tls_context=context, require_starttls=True)
controller = Controller(Keep(), hostname="127.0.0.1", port=arguments.port, **options)
controller.start()
open(os.path.join(arguments.folder, "ready"), "w").close()
while True:
    time.sleep(3600)
