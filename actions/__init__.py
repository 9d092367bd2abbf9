"""Rasa custom actions (rasa-sdk): thin, one module per concern, calling the app's API."""
