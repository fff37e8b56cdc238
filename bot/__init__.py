"""TechServ Assistant core, one package per job — ``answering``, ``records``, ``experts``, ``service`` —
over what every job shares: ``conversation`` (the entry point adapters call), ``messages`` (neutral
types), ``config``, ``privacy`` and ``db`` (the only place with SQL). See docs/ARCHITECTURE.md."""
