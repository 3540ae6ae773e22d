"""The page, rendered on the server: phones, bubbles with their entities, keyboards, menus.

Everything that comes from the bot or from a person is escaped here; text is laid out in its
own direction (the first strong character, as Unicode's bidi rules P2 and P3 say), so an
Arabic message reads right to left however the page around it runs.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import LANGUAGES, find_language
from bot.playground.bot_api import ChatMessage
from bot.playground.people import Person

ZONE = ZoneInfo("Europe/Amsterdam")
_ISOLATE_OPEN = {"\u2066", "\u2067", "\u2068"}  # LRI, RLI, FSI
_ISOLATE_CLOSE = "\u2069"  # PDI
_LINK_SCHEMES = ("https://", "http://", "tg://", "mailto:")

_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def text_direction(text: str) -> str:
    """rtl or ltr from the first strong character outside isolates; auto when there is none."""
    depth = 0
    for char in text:
        if char in _ISOLATE_OPEN:
            depth += 1
        elif char == _ISOLATE_CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return "auto"


def _link(url: str) -> str | None:
    return url if url.lower().startswith(_LINK_SCHEMES) else None


def _open_close(entity: dict[str, Any], inner_text: str) -> tuple[str, str]:
    kind = entity.get("type", "")
    if kind in _TAGS:
        return _TAGS[kind]
    if kind in ("text_link", "url"):
        url = _link(entity.get("url") or inner_text)
        if url is not None:
            return f'<a href="{e(url)}" target="_blank" rel="noopener noreferrer">', "</a>"
    return f'<span class="entity-{e(kind)}">', "</span>"


def render_text(text: str, entities: Sequence[dict[str, Any]] = ()) -> str:
    """HTML for a message text with Telegram's entities (offsets count UTF-16 units)."""
    units = text.encode("utf-16-le")
    total = len(units) // 2

    def piece(start: int, end: int) -> str:
        return units[2 * start : 2 * end].decode("utf-16-le", errors="replace")

    spans = sorted(
        (
            (int(x.get("offset", 0)), int(x.get("offset", 0)) + int(x.get("length", 0)), x)
            for x in entities
            if int(x.get("length", 0)) > 0
        ),
        key=lambda span: (span[0], -span[1]),
    )

    def render(start: int, end: int, inside: list[tuple[int, int, dict[str, Any]]]) -> str:
        out: list[str] = []
        position, index = start, 0
        while index < len(inside):
            a, b, entity = inside[index]
            a, b = max(a, position), min(b, end)
            nested: list[tuple[int, int, dict[str, Any]]] = []
            index += 1
            # Entities that start inside this one are rendered inside it (clipped to it).
            while index < len(inside) and inside[index][0] < b:
                nested.append((inside[index][0], min(inside[index][1], b), inside[index][2]))
                index += 1
            if a >= b:
                continue
            out.append(e(piece(position, a)))
            opening, closing = _open_close(entity, piece(a, b))
            out.append(opening + render(a, b, nested) + closing)
            position = b
        out.append(e(piece(position, end)))
        return "".join(out)

    return render(0, total, [s for s in spans if s[0] < total])


def clock_text(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%a %d %b %Y %H:%M")


def _keyboard(message: ChatMessage) -> str:
    if not message.keyboard:
        return ""
    rows = []
    for row in message.keyboard:
        buttons = []
        for button in row:
            label = e(button.get("text", ""))
            url = _link(str(button.get("url") or ""))
            if url is not None:
                buttons.append(
                    f'<a class="inline" dir="auto" href="{e(url)}" target="_blank" '
                    f'rel="noopener noreferrer">{label} ↗</a>'
                )
            elif "callback_data" in button:
                buttons.append(
                    f'<button type="button" class="inline" dir="auto" '
                    f'data-data="{e(button["callback_data"])}">{label}</button>'
                )
            else:
                buttons.append(f'<span class="inline" dir="auto">{label}</span>')
        rows.append(f'<div class="row">{"".join(buttons)}</div>')
    return f'<div class="keyboard">{"".join(rows)}</div>'


def _attachment(message: ChatMessage) -> str:
    stored = message.file
    if message.attachment == "location" and message.location is not None:
        latitude, longitude = message.location
        return f'<div class="location">📍 {latitude:.4f}, {longitude:.4f}</div>'
    if stored is None:
        return ""
    href = f"/files/{e(stored.file_id)}"
    if message.attachment == "photo":
        return f'<img class="photo" src="{href}" alt="photo">'
    if message.attachment == "voice":
        seconds = message.duration or 0
        return (
            f'<div class="voice">🎤 {seconds // 60}:{seconds % 60:02d} '
            f'<audio controls preload="none" src="{href}"></audio></div>'
        )
    return (
        f'<a class="document" href="{href}" download="{e(stored.name)}">'
        f"📄 {e(stored.name)} <small>({len(stored.content):,} bytes)</small></a>"
    )


def bubble(message: ChatMessage) -> str:
    side = "bot" if message.from_bot else "me"
    direction = text_direction(message.text)
    edited = " · edited" if message.edited else ""
    text = (
        f'<div class="text">{render_text(message.text, message.entities)}</div>'
        if message.text
        else ""
    )
    return (
        f'<div class="bubble {side}" id="m-{message.chat_id}-{message.message_id}" '
        f'data-message-id="{message.message_id}" dir="{direction}">'
        f"{_attachment(message)}{text}{_keyboard(message)}"
        f'<div class="meta" dir="ltr">{message.date.astimezone(ZONE):%H:%M}{edited}</div>'
        "</div>"
    )


def menu(commands: Iterable[tuple[str, str]]) -> str:
    items = [
        f'<button type="button" class="command" data-command="/{e(name)}" dir="auto">'
        f'<span class="name">/{e(name)}</span> <span class="description">{e(text)}</span>'
        "</button>"
        for name, text in commands
    ]
    return "".join(items) or '<p class="empty">No commands registered.</p>'


def language_line(person: Person, locale: str | None) -> str:
    speaks = find_language(locale) if locale else None
    spoken = f" · bot speaks {e(speaks.native_name)}" if speaks else " · not a member yet"
    return f"Telegram language_code <code>{e(person.language_code)}</code>{spoken}"


_PHONE = Template(
    """<section class="phone" id="phone-$id" data-person="$id" data-name="$name">
  <header>
    <div class="who"><strong>$name</strong> <span class="role role-$role">$role</span></div>
    <div class="language" id="language-$id">$language</div>
  </header>
  <div class="messages" id="messages-$id" aria-live="polite">$bubbles</div>
  <div class="toast" id="toast-$id" hidden></div>
  <button type="button" class="start" $start_hidden>START</button>
  <div class="menu" id="menu-$id" hidden>$menu</div>
  <form class="compose" autocomplete="off">
    <button type="button" class="menu-button" title="Commands">/</button>
    <input name="text" dir="auto" placeholder="Message" maxlength="4096" aria-label="Message">
    <button type="submit" class="send" title="Send">➤</button>
  </form>
  <div class="attach">
    <button type="button" class="voice-button" title="Send a voice note">🎤 voice</button>
    <label class="photo-button" title="Send a photo">📷 photo
      <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden></label>
    <button type="button" class="location-button" title="Send a location">📍 location</button>
  </div>
</section>"""
)


def phone(
    person: Person,
    messages: Sequence[ChatMessage],
    locale: str | None,
    commands: Iterable[tuple[str, str]],
) -> str:
    return _PHONE.substitute(
        id=person.user_id,
        name=e(person.name),
        role=e(person.role),
        language=language_line(person, locale),
        bubbles="".join(bubble(m) for m in messages),
        start_hidden="hidden" if messages else "",
        menu=menu(commands),
    )


_PAGE = Template(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Samen playground</title>
<link rel="stylesheet" href="/static/playground.css">
<script src="/static/playground.js" defer></script>
</head>
<body>
<header class="banner">
  <h1>Samen playground</h1>
  <p>This is a <strong>playground</strong>: the real Samen bot, talking to invented people.
  Nothing leaves this computer — no message goes to Telegram.$warning</p>
  <div class="controls">
    <span class="clock">Playground time: <time id="clock">$now</time></span>
    <button type="button" data-forward="1">+1 hour</button>
    <button type="button" data-forward="24">+1 day</button>
    <button type="button" data-forward="168">+1 week</button>
    <form id="add-person" autocomplete="off">
      <input name="name" placeholder="Name" maxlength="64" required aria-label="Name">
      <select name="language" aria-label="Language">$languages</select>
      <button type="submit">Add a person</button>
    </form>
    <button type="button" id="reset" $reset_disabled>Reset everything</button>
  </div>
  <nav class="people" id="people">$tabs</nav>
</header>
<main class="phones" id="phones">$phones</main>
</body>
</html>"""
)


def tab(person: Person) -> str:
    return (
        f'<a href="#phone-{person.user_id}" data-person="{person.user_id}" dir="auto">'
        f"{e(person.name)} <small>{e(person.role)} · {e(person.language_code)}</small></a>"
    )


def page(
    phones: Sequence[str],
    people: Sequence[Person],
    *,
    now: datetime,
    can_reset: bool,
    real_members: int,
) -> str:
    options = "".join(
        f'<option value="{e(lang.tag)}">{e(lang.native_name)} ({e(lang.tag)})</option>'
        for lang in LANGUAGES
    )
    warning = (
        f' <strong class="warning">This database holds {real_members} real members: '
        "messages queued for them are delivered to this page, not to them.</strong>"
        if real_members
        else ""
    )
    return _PAGE.substitute(
        now=e(clock_text(now)),
        languages=options,
        reset_disabled="" if can_reset else "disabled",
        tabs="".join(tab(p) for p in people),
        phones="".join(phones),
        warning=warning,
    )
