"""Platform adapters: translate platform events to ``bot.messages`` and render replies back."""
