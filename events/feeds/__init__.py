"""The Atom and RSS feeds: declarations read like django.contrib.syndication, one engine, entry templates."""
