"""Indexing pipeline: sources → sections → chunks → embeddings → FAISS + BM25 snapshot."""
