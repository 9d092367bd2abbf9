"""WeChat channel (Flask blueprint at /wechat): verify, decrypt, parse, forward to Rasa, reply.

A resident's message enters here and leaves here: the passive reply within the reply budget, or
"success" at once and a customer-service message when Rasa needs longer. ``create_app`` registers
``webhook.bp``; configuration is in webhook/settings.py (WECHAT_* variables).
"""

from webhook.views import bp

__all__ = ["bp"]
