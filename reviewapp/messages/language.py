"""Every mail of this package goes out in the recipient's recorded language, or in both
(Chinese first) when the app records none for them."""
from flask_babel import force_locale

from ..mail import send_mail

LANGUAGES = ("zh", "en")
SEPARATOR = "\n\n----------\n\n"


def send_in_language(email, locale, subject, body):
    """`subject()` and `body()` are called under each language forced; the mail is queued."""
    if locale in LANGUAGES:
        with force_locale(locale):
            send_mail(email, str(subject()), str(body()))
        return
    subjects, bodies = [], []
    for language in LANGUAGES:
        with force_locale(language):
            subjects.append(str(subject()))
            bodies.append(str(body()))
    send_mail(email, " / ".join(subjects), SEPARATOR.join(bodies))
