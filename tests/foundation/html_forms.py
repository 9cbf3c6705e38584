"""Read the POST forms of a rendered page and send them back as a browser would.

A browser submits each named, enabled control of the form (and controls
outside it that name it with form="..."): text inputs and hidden inputs with
their value, checked checkboxes and radios ("on" without a value), the
selected options of a select (the first option when none is selected), a
textarea's text without the one line break after its start tag and with every
line break sent as CRLF, and the submit button pressed (here: the first one).
"""
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

_BUTTONS = {"submit", "button", "image", "reset"}


@dataclass
class PostForm:
    action: str
    fields: list = field(default_factory=list)  # [(name, value)] in document order
    autosave: str | None = None  # data-autosave-url: where scripts post the same fields

    def data(self, **changes):
        """The fields as a dict of lists, with `changes` (name -> value) applied."""
        values = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        values.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
        return values


def _textarea(element):
    text = element.text_content()
    if text.startswith("\n"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _select(element):
    options = element.xpath(".//option")
    chosen = [o for o in options if o.get("selected") is not None]
    if not chosen and options and element.get("multiple") is None:
        chosen = options[:1]
    return [o.get("value", o.text_content()) for o in chosen]


def _controls(document, form):
    controls = list(form.iter("input", "select", "textarea", "button"))
    if form.get("id"):
        controls += document.xpath("//*[@form=$id]", id=form.get("id"))
    return controls


def _values(control):
    """The (name, value) pairs one control contributes, buttons aside."""
    kind = (control.get("type") or "text").lower()
    if control.tag == "select":
        return [(control.get("name"), value) for value in _select(control)]
    if control.tag == "textarea":
        return [(control.get("name"), _textarea(control))]
    if kind in ("checkbox", "radio"):
        return [(control.get("name"), control.get("value", "on"))] if control.get("checked") is not None else []
    if kind == "file":
        return []
    return [(control.get("name"), control.get("value", ""))]


def _is_button(control):
    kind = (control.get("type") or ("submit" if control.tag == "button" else "text")).lower()
    return control.tag == "button" or kind in _BUTTONS


def post_forms(html, page):
    """Every <form method="post"> of `html` (served at path `page`) as a PostForm."""
    document = lxml.html.fromstring(html)
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin(page, form.get("action") or page))
        pairs, pressed = [], False
        for control in _controls(document, form):
            if control.get("disabled") is not None:
                continue
            if _is_button(control):
                submits = (control.get("type") or "submit").lower() == "submit"
                if submits and not pressed and control.get("name"):
                    pairs.append((control.get("name"), control.get("value", "")))
                pressed = pressed or submits
            elif control.get("name"):
                pairs.extend(_values(control))
        path = action.path + (f"?{action.query}" if action.query else "")
        yield PostForm(path, pairs, form.get("data-autosave-url"))


def form_posting_to(html, page, action):
    """The one form of the page whose action is `action`."""
    forms = [form for form in post_forms(html, page) if form.action == action]
    assert len(forms) == 1, f"{len(forms)} forms post to {action} on {page}"
    return forms[0]
