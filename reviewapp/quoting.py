"""A title in quotation marks, once. Titles often carry quotes of their own: a title that is
wholly quoted (“奔跑吧”) is not wrapped again (mails and certificates printed ““奔跑吧””), and
quotes inside a title become the inner marks ‘’, as Chinese nests them (“‘健康中国’行动”)."""

OPENING, CLOSING = "“", "”"


def quoted(title):
    title = (title or "").strip()
    if len(title) > 1 and title[0] in '"“' and title[-1] in '"”' and title.count(OPENING) <= 1:
        title = title[1:-1]
    return OPENING + title.replace(OPENING, "‘").replace(CLOSING, "’") + CLOSING
