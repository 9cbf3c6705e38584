"""Argon2id: milliseconds and CPU milliseconds per password hash for a few cost settings.

Each sign-in verifies one hash, so this is the CPU a sign-in costs before any page work. The
sets are OWASP's equivalent minimums (m=19456 t=2 p=1 is the default, ARGON2_* in config.py),
a stronger one, and argon2-cffi's own defaults (m=65536 t=3 p=4, what production used before).
One line per set: `argon2 m=KiB,t=N,p=N ms_per_hash=.. cpu_ms_per_hash=.. hashes_per_core_s=..`.
Wall time grows on a busy machine; CPU time does not (much). With p > 1 the library hashes
lanes in threads, so CPU time can exceed wall time.

Sizing: hashes_per_core_s x cores spent on sign-in = sign-ins per second the machine can take.

Usage: python -m bench argon2 [--rounds N] [--sets 19456:2:1,65536:3:4]
"""
import argparse
import time

SETS = [(19456, 2, 1), (12288, 3, 1), (9216, 4, 1), (47104, 1, 1), (65536, 3, 1), (65536, 3, 4)]


def measure(memory, passes, lanes, rounds):
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)
    stored = hasher.hash("bench-password")
    hasher.verify(stored, "bench-password")  # warm up: first allocation of the memory
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        hasher.verify(stored, "bench-password")  # what a sign-in does
    return (time.perf_counter() - wall) / rounds * 1000, (time.process_time() - cpu) / rounds * 1000


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench argon2")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sets", default=",".join(":".join(map(str, s)) for s in SETS),
                        help="memory_KiB:passes:lanes, comma-separated")
    args = parser.parse_args(argv)
    for item in args.sets.split(","):
        memory, passes, lanes = (int(n) for n in item.split(":"))
        wall_ms, cpu_ms = measure(memory, passes, lanes, args.rounds)
        print(f"argon2 m={memory},t={passes},p={lanes} ms_per_hash={wall_ms:.1f} cpu_ms_per_hash={cpu_ms:.1f} "
              f"hashes_per_core_s={1000 / max(cpu_ms, 0.01):.0f}", flush=True)
    return 0
