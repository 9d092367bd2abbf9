"""Verify that a chat identity belongs to a member, then bind the two (issue 4).

A signed one-time link (``tokens``) opens the app's /bind page; the resident gives name and ID
number, receives a code on the phone on file (``sms``), and on success the chat identity is bound
to the member's opaque ``member_ref`` (``flow``). No flask here: the page and the API are in service/.
"""
