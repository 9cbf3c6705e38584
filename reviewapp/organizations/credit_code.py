"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-symbol alphabet (digits and capitals without I, O,
S, V, Z): registration authority, organization type, a 6-digit
administrative division, a 9-character organization code, and a check
character computed from the first 17.
"""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17):
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code):
    return (code or "").strip().upper()


def problem(code):
    """None for a valid code, otherwise a short key naming what is wrong:
    'length', 'characters', 'division' or 'check'."""
    code = normalize(code)
    if len(code) != 18:
        return "length"
    if any(ch not in ALPHABET for ch in code):
        return "characters"
    if not code[2:8].isdigit():
        return "division"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code):
    return problem(code) is None
