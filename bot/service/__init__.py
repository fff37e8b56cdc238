"""Running the service: the wiring of every job's services (``wiring.Records``), the scheduler and
its jobs (nightly re-index, reminders, expiry, re-routing), ``techserv doctor`` and logging.

Other packages import: ``wiring.Records``, ``jobs.Service``, ``scheduler.Scheduler`` / ``Job``,
``doctor.run_checks``, ``logs.configure`` / ``new_request_id``. Never imports ``adapters``.
"""
