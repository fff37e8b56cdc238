"""Experts in the loop: the expert directory, routing and the escalation lifecycle, verified answers,
feedback and the question log, the knowledge-gap report, and the expert chat commands.

Other packages import: ``escalations.EscalationService`` / ``ExpertRouter`` / ``sync_experts``,
``verified.VerifiedAnswers`` / ``export_verified``, ``feedback.FeedbackService``, ``gaps.gap_report``,
``commands.handle_expert_command`` / ``escalate``. Builds on ``bot.records`` (people, ``Outcome``).
"""
