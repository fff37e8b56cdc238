"""Answering questions: hybrid retrieval over the live snapshot, extractive answers with citations,
the glossary used for query expansion, and the evaluation harnesses (BEIR, question sets).

Other packages import: ``knowledge.KnowledgeBase`` (the live, swappable index), ``answers.Answerer``
/ ``AnswerResult``, ``retrieval.Retriever`` / ``Hit``, ``glossary.Glossary``.
"""
