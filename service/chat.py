"""`make chat`: talk to the running assistant from a terminal through Rasa's REST channel."""

from __future__ import annotations

import sys
import uuid

import requests

from service.settings import Settings


def render(message: dict) -> str:
    """One bot message as terminal text, buttons as numbered choices."""
    lines = [message.get("text", "")]
    for number, button in enumerate(message.get("buttons") or [], start=1):
        lines.append(f"  [{number}] {button.get('title')}")
    return "\n".join(line for line in lines if line)


def main() -> None:
    url = f"{Settings().rasa_url}/webhooks/rest/webhook"
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"医保助手 ({url}); an empty line or Ctrl-D quits.")
    buttons: list[dict] = []
    while True:
        try:
            text = input("您> ").strip()
        except EOFError:
            break
        if not text:
            break
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = requests.post(url, json={"sender": sender, "message": text}, timeout=30).json()
        except requests.RequestException as exc:
            print(f"assistant not reachable ({type(exc).__name__}); is `make run` running?", file=sys.stderr)
            continue
        buttons = [button for reply in replies for button in reply.get("buttons") or []]
        for reply in replies:
            print(f"助手> {render(reply)}")


if __name__ == "__main__":
    main()
