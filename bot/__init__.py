"""TechServ Assistant core: platform-neutral conversation, retrieval and services."""
