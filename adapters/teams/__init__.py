"""Microsoft Teams adapter (botbuilder): Activities in, Adaptive Cards out, proactive notifications."""
