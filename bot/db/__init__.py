"""Persistence: every SQL statement of the project lives in this package."""
from .engine import DatabaseUnavailable, check_connection, make_engine, session_factory, upgrade

__all__ = ["DatabaseUnavailable", "check_connection", "make_engine", "session_factory", "upgrade"]
