"""Hypothesis strategies for what arrives at POST /wechat: near-valid message XML and its mutations.

Most examples are one or two steps from a real push (a field missing, repeated, nested, of the
wrong type, text with CDATA terminators, control characters, ID numbers, entities and DOCTYPEs), so
the parser's every branch is reached, not only "not XML".
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from hypothesis import strategies as st

from tests.fakes.wechat_push import ACCOUNT
from tests.fuzz.support import mostly, one_in

MSG_TYPES = ("text", "voice", "event", "image", "video", "shortvideo", "location", "link", "file",
             "miniprogrampage", "TEXT", "", "unknown")
EVENTS = ("subscribe", "unsubscribe", "CLICK", "click", "VIEW", "LOCATION", "SCAN", "", "weird")
MENU_KEYS = ("CROSS_REGION_FILING", "CHRONIC_CARD", "NO_SUCH_KEY", "")

#: Text a resident could send: Chinese, digits that look like ID or phone numbers, markup, emoji.
_SNIPPETS = ("异地就医怎么备案", "慢病卡刷不了", "990101199001011132", "13912345678", "1", "转人工", "]]>", "<b>",
             "&amp;", "&#0;", "\u2028", "😀", "   ", "\x00", "\x1b")


#: Text WeChat could deliver (no control characters, which XML 1.0 cannot carry).
XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
TEXT = st.one_of(
    XML_TEXT,
    st.text(max_size=60),
    st.lists(st.sampled_from(_SNIPPETS), max_size=6).map("".join),
    # Around the 2000-character limit, cheaply: one snippet repeated to a drawn length.
    st.tuples(st.sampled_from(_SNIPPETS[:2]), st.integers(1990, 2010)).map(lambda t: (t[0] * t[1])[: t[1]]),
)
OPENIDS = mostly(st.from_regex(r"\Ao[A-Za-z0-9_-]{27}\Z"), st.text(max_size=70))
NUMBERS = mostly(st.integers(min_value=0, max_value=2**64).map(str), st.text(max_size=12))


def _element(name: str, value: str, cdata: bool) -> str:
    if cdata:
        return f"<{name}><![CDATA[{value}]]></{name}>"
    return f"<{name}>{escape(value)}</{name}>"


@st.composite
def message_fields(draw: st.DrawFn) -> dict[str, str]:
    """The fields of a push, mostly plausible, sometimes wrong."""
    msg_type = draw(mostly(st.sampled_from(MSG_TYPES), st.text(max_size=10)))
    fields = {"ToUserName": draw(mostly(st.just(ACCOUNT), XML_TEXT)), "FromUserName": draw(OPENIDS),
              "CreateTime": draw(NUMBERS), "MsgType": msg_type}
    if msg_type.lower() == "event":
        fields["Event"] = draw(mostly(st.sampled_from(EVENTS), st.text(max_size=10)))
        if draw(st.booleans()):
            fields["EventKey"] = draw(mostly(st.sampled_from(MENU_KEYS), st.text(max_size=20)))
    else:
        fields["MsgId"] = draw(NUMBERS)
        fields["Content" if msg_type != "voice" else "Recognition"] = draw(TEXT)
    if draw(one_in(8)):
        del fields[draw(st.sampled_from(sorted(fields)))]
    return fields


@st.composite
def message_xml(draw: st.DrawFn, fields: dict[str, str] | None = None) -> str:
    """A push as XML text: the fields, sometimes repeated or nested, with odd prologues and extras."""
    fields = fields if fields is not None else draw(message_fields())
    parts = [_element(name, value, draw(st.booleans())) for name, value in fields.items()]
    if parts and draw(one_in(10)):  # a repeated field (xmltodict makes it a list)
        parts.append(draw(st.sampled_from(parts)))
    if parts and draw(one_in(10)):  # a field with children instead of text
        index = draw(st.integers(0, len(parts) - 1))
        parts[index] = parts[index].replace(">", "><inner>x</inner>", 1)
    if draw(one_in(10)):
        parts.insert(draw(st.integers(0, len(parts))), _element(draw(st.from_regex(r"\A[A-Za-z]{1,8}\Z")),
                                                                 draw(st.text(max_size=20)), True))
    root = draw(st.sampled_from(["xml"] * 8 + ["XML", "root"]))
    prologue = draw(st.sampled_from([
        "", "", "", "", "", "", '<?xml version="1.0" encoding="utf-8"?>',
        '<!DOCTYPE xml [<!ENTITY e "&#x5f02;">]>',  # an internal entity: refused, never expanded
        '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # XXE
        '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ]))
    body = "".join(parts)
    if "ENTITY" in prologue and draw(st.booleans()):
        body += "<Content>&x;&b;&e;</Content>"
    return f"{prologue}<{root}>{body}</{root}>"


@dataclass(frozen=True)
class Damage:
    """A damaged transfer: a byte flipped, the data cut short or extended (positions as fractions)."""

    how: str
    at: float
    xor: int
    extra: bytes

    def apply(self, data: bytes) -> bytes:
        index = min(int(self.at * len(data)), max(len(data) - 1, 0))
        if self.how == "flip" and data:
            return data[:index] + bytes([data[index] ^ self.xor]) + data[index + 1:]
        if self.how == "truncate":
            return data[:index]
        if self.how == "append":
            return data + self.extra
        return data


DAMAGE = st.builds(Damage, st.sampled_from(["flip", "truncate", "append", "none"]),
                   st.floats(0, 1), st.integers(1, 255), st.binary(max_size=20))
