"""Training records: people and identities, the competency framework, sign-off requests and
signatures, the skills passport and plan, reminders, the audit-chain check and the typed record commands.

Other packages import: ``signoffs.SignoffService`` / ``Outcome`` / ``utcnow`` / ``fmt_time``,
``framework.Framework``, ``passport.build_passport`` / ``render_*``, ``people`` (import, ``band_level``,
``link_identity``), ``reminders``, ``audit.verify_chain``, ``commands.handle_record_command``.
"""
