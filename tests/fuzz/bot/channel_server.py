"""The REST channel (bot/channels.py) alone in a Sanic server on loopback, run by .venv-rasa.

Behind the channel sits no model: the "bot" replies with what Rasa would have received (sender,
text, metadata, input channel) as one custom message, so the fuzz test in the app environment can
check the channel's handling of each body from the outside. Usage:
``.venv-rasa/bin/python -m tests.fuzz.bot.channel_server PORT`` (YIBAO_APP_URL and YIBAO_RASA_URL
point the takeover check at the test's fakes).
"""

from __future__ import annotations

import logging
import sys

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels import RedactingRestInput


async def echo(message: UserMessage) -> None:
    """What Rasa would have been given, as the bot's only reply."""
    await message.output_channel.send_custom_json(message.sender_id, {
        "sender": message.sender_id, "text": message.text, "metadata": message.metadata,
        "input_channel": message.input_channel,
    })


def main(port: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    app = Sanic("rest_channel_fuzz")
    channel = RedactingRestInput()
    app.blueprint(channel.blueprint(echo), url_prefix=f"/webhooks/{channel.url_prefix()}")  # as Rasa mounts it
    app.run(host="127.0.0.1", port=port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main(int(sys.argv[1]))
