"""GET /wechat (server verification) and POST /wechat (messages): the edge of the WeChat channel.

Order of checks for a message: configured (else 503) → signature and timestamp (else 403, nothing
read) → body size (413) → decryption in compatible/safe mode (403/400) → parsing (400). Then the
exactly-once coordinator answers within the reply budget, or "success" and later asynchronously.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, current_app, request

from webhook.channel import Channel, build_channel
from webhook.envelope import SUCCESS, is_encrypted, open_envelope, reply_xml, seal
from webhook.inbound import MalformedMessage, parse_inbound
from webhook.security import Rejected, check_fresh, check_signature

log = logging.getLogger(__name__)

bp = Blueprint("wechat", __name__, url_prefix="/wechat")

#: Largest body accepted; WeChat's messages are a few kilobytes at most.
MAX_BODY_BYTES = 64 * 1024


@bp.record_once
def _setup(state) -> None:  # noqa: ANN001 - Flask's BlueprintSetupState
    state.app.extensions["wechat"] = build_channel(state.app)


def _channel() -> Channel:
    channel: Channel = current_app.extensions["wechat"]
    if channel.problem:
        abort(503, channel.problem)
    return channel


def _authenticate(channel: Channel) -> None:
    args = request.args
    try:
        check_signature(channel.settings.token, args.get("signature", ""), args.get("timestamp", ""),
                        args.get("nonce", ""))
        check_fresh(args.get("timestamp", ""), channel.settings.max_age_s)
    except Rejected as exc:
        log.warning("refused a /wechat request: %s", exc)
        abort(403, "request not signed by WeChat, or too old")


def _text(body: str) -> Response:
    return Response(body, mimetype="text/plain" if body == SUCCESS else "application/xml")


@bp.get("")
def verify() -> Response:
    """Server verification: echo ``echostr`` when the signature is WeChat's."""
    channel = _channel()
    _authenticate(channel)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@bp.post("")
def receive() -> Response:
    """One message or event: the passive reply XML, or "success"."""
    started = time.monotonic()
    channel = _channel()
    _authenticate(channel)
    request.max_content_length = MAX_BODY_BYTES
    raw = request.get_data(cache=False)  # 413 past MAX_BODY_BYTES
    args = request.args.to_dict()
    try:
        body = raw.decode("utf-8")
        if is_encrypted(args):
            body = open_envelope(channel.crypto, body, args)
        message = parse_inbound(body)
    except Rejected as exc:
        log.warning("refused an encrypted /wechat message: %s", exc)
        abort(403, "message not signed or encrypted for this account")
    except (MalformedMessage, UnicodeDecodeError) as exc:
        log.warning("malformed /wechat message: %s", exc)
        abort(400, "not a WeChat message")
    deadline = started + channel.settings.reply_budget_s
    try:
        outcome = channel.handle(message, deadline)
    except Exception:  # noqa: BLE001 - the store failed: acknowledge, WeChat must not retry forever
        log.exception("%s from %s not handled", message.msg_type, message.who)
        return _text(SUCCESS)
    log.info("%s from %s: %s in %.0f ms", message.msg_type, message.who, outcome.how,
             (time.monotonic() - started) * 1000)
    if outcome.reply is None:
        return _text(SUCCESS)
    return _text(seal(channel.crypto, reply_xml(message, outcome.reply), args))
