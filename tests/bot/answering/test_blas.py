"""A process that answers questions runs its BLAS libraries on one thread (see bot/answering/blas.py)."""
from threadpoolctl import threadpool_info


def test_the_knowledge_base_runs_blas_on_one_thread(kb):
    kb.live.answerer.answer("what goes in a cytotoxic spill kit")  # loads every library the answer path uses
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas, "no BLAS library found in the process"
    assert {lib["filepath"]: lib["num_threads"] for lib in blas} == {lib["filepath"]: 1 for lib in blas}
