"""The web dashboard for training and QA leads: a Starlette app translating HTTP into the same
services the chat uses (``bot.service.wiring.Records``), signed in with OpenID Connect or a one-time
local link. ``app.make_app`` builds it; ``server`` runs it under uvicorn."""
