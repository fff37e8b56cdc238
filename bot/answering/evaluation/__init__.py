"""Retrieval evaluation: BEIR datasets and the knowledge-pack question set."""
