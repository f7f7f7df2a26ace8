"""The suite's settings: scotimeline.settings, signed with a throwaway strong key.

The settings refuse a weak SECRET_KEY whenever DEBUG is off, and the suite runs with DEBUG off (as
pytest-django does). No test depends on the key's value, so any key the environment gives (the
Makefile's `SECRET_KEY=test-only`) is replaced; tests that check the rule itself start a process
with the environment they mean.
"""
import os
import secrets

os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)

from scotimeline.settings import *  # noqa: E402,F401,F403
