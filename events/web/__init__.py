"""The public web pages: thin views over events.queries and events.documents; templates/ does the markup."""
