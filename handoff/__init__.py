"""Human takeover of a conversation: who holds it, and how an agent's reply reaches the resident.

The console takes over and hands back; channels (WeChat, REST) ask ``is_taken_over`` before
letting the bot answer, and register a sender so agents' replies go out through the channel the
resident used. No flask, rasa_sdk or wechatpy here.
"""
