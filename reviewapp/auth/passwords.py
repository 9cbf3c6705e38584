"""Is a new password hard to guess? zxcvbn's offline model (common passwords, names, words,
dates, keyboard walks, repeats and sequences) plus the person's own name and e-mail address."""
import re

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..forms_common import MIN_PASSWORD_LENGTH as MIN_LENGTH

# zxcvbn's estimate of the guesses an attacker needs, as a power of ten: 10^9 is above its
# score 3 ("safely unguessable" online), which still let a surname and a birthday through.
MIN_GUESSES_LOG10 = 9
# zxcvbn's lists are English; these are the words and numbers Chinese passwords are most often
# made of (pinyin surnames and phrases, lucky numbers) and the words of this service.
EXTRA_WORDS = (
    "woaini", "aini", "1314", "520", "5201314", "woaini1314", "zhongguo", "china", "beijing",
    "shanghai", "guangzhou", "shenzhen", "zhang", "wang", "li", "liu", "chen", "yang", "huang",
    "zhao", "zhou", "wu", "xu", "sun", "zhu", "ma", "hu", "guo", "lin", "he", "gao", "luo", "zheng",
    "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian",
    "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding",
    "ren", "shen", "yao", "qwe", "asd", "zxc", "qaz", "wsx", "abc", "mima", "admin", "tiyu",
    "jianshen", "zhiyuan", "zhiyuanzhe", "quanmin", "quanminjianshen", "anli", "youxiu",
    "reviewapp", "demo", "password",
)

MESSAGES = {
    "length": _l("Use at least %(n)d characters.", n=MIN_LENGTH),
    "email": _l("The password must not be your e-mail address or contain its name part."),
    "name": _l("The password must not contain your name."),
    "dictionary": _l("This password is among the most commonly used ones, or made of a common word "
                     "with a few digits. Use a phrase of several words only you would choose."),
    "repeat": _l("Repeated characters or words (like “aaaa” or “abcabc”) are easy to guess."),
    "sequence": _l("Sequences like “abcd” or “1234” are easy to guess."),
    "spatial": _l("Keyboard patterns like “qwerty” or “1qaz2wsx” are easy to guess."),
    "date": _l("Dates and years are easy to guess, especially your own."),
    "weak": _l("This password is too easy to guess. Use a longer phrase of several uncommon words."),
}


def _name_parts(text):
    """The pieces of a name or an e-mail's local part that are long enough to matter."""
    return [part for part in re.split(r"[\s._\-+@]+", (text or "").lower()) if len(part) >= 3]


def password_problem(password, email=None, names=()):
    """A translated reason why `password` is refused, or None when it is good enough."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return MESSAGES["length"]
    lowered = password.lower()
    local_part = (email or "").lower().partition("@")[0]
    if email and (lowered == email.lower() or (len(local_part) >= 3 and local_part in lowered)):
        return MESSAGES["email"]
    for name in names:
        whole = re.sub(r"\s+", "", (name or "").lower())
        if len(whole) >= (3 if whole.isascii() else 2) and whole in re.sub(r"\s+", "", lowered):
            return MESSAGES["name"]
    inputs = [*EXTRA_WORDS, *(_name_parts(email)), *(p for n in names for p in _name_parts(n))]
    # Its cost grows with length and it refuses more than 72 characters (a 500 for a long passphrase).
    result = zxcvbn(password[:72], user_inputs=inputs)
    if result["guesses_log10"] >= MIN_GUESSES_LOG10:
        return None
    # The reason is the weakest big piece of the password: the longest match that is not random.
    guessable = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not guessable:
        return MESSAGES["weak"]
    pattern = max(guessable, key=lambda m: len(m["token"]))["pattern"]
    return MESSAGES.get(pattern, MESSAGES["weak"])
