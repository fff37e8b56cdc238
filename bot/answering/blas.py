"""One BLAS thread in a process that answers questions.

A question runs many small numpy / FAISS matrix products between PyTorch calls. OpenBLAS's default pool
(a worker per core) keeps its idle workers spinning after each product, and they take the cores from
PyTorch's own threads: on 2 cores the query embedding's p95 went from 13 ms alone to over 100 ms inside
the answer pipeline (`make bench`). Limiting the BLAS libraries loaded in the process (numpy's, SciPy's,
FAISS's OpenBLAS) to one thread removes the contention; PyTorch keeps its threads for the model.
"""
from __future__ import annotations

import os
import threading

from threadpoolctl import threadpool_limits

_lock = threading.Lock()
_limited = False


def single_blas_thread() -> None:
    """Limit every BLAS library to one thread: those loaded so far through threadpoolctl, those loaded later
    (SciPy's, on first use) through OpenBLAS's own variable. Once per process; later calls do nothing."""
    global _limited
    with _lock:
        if not _limited:
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            threadpool_limits(limits=1, user_api="blas")
            _limited = True
