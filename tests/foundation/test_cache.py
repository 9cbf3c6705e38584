"""The in-process cache: stale entries recompute, the size is bounded, and threads that
miss the same key wait for one computation."""
import threading
import time

from reviewapp.cache import StampedCache


def test_entries_expire_and_the_oldest_leave_first(monkeypatch):
    cache = StampedCache(size=2, max_age=10)
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    assert cache.get("a", lambda: 1) == 1
    assert cache.get("a", lambda: 2) == 1          # fresh: not recomputed
    now[0] += 11
    assert cache.get("a", lambda: 3) == 3          # too old: recomputed
    cache.get("b", lambda: 4)
    cache.get("c", lambda: 5)                      # "a" was least recently used
    assert cache.get("a", lambda: 6) == 6 and cache.get("c", lambda: 7) == 5


def test_threads_missing_the_same_key_compute_it_once():
    cache, calls, release = StampedCache(), [], threading.Event()

    def slow():
        calls.append(1)
        release.wait(5)
        return "ranking"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == ["ranking"] * 4 and len(calls) == 1


def test_a_failed_computation_is_not_cached():
    cache = StampedCache()

    def broken():
        raise RuntimeError("database gone")

    try:
        cache.get("k", broken)
    except RuntimeError:
        pass
    assert cache.get("k", lambda: "ok") == "ok"
