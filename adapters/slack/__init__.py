"""Slack adapter (slack-bolt): translates Slack events, commands and clicks to the conversation core."""
