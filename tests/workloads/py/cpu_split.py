"""CPU split 7:3 between two functions with identical bodies.

    python3 cpu_split.py K ROUNDS

Each round calls hot(7*K) then cold(3*K): the same loop, so the profile
should give hot about 70 % and cold 30 % of the samples taken in the two.
What each really took (wall clock, which is what on-CPU samples count on a
busy CPU) is printed on stderr as "cpu_split: hot_s=H cold_s=C": a noisy
machine (another VM stealing the CPU) can slow one phase more than the
other, and the profile must agree with the run it saw, not with the plan."""
import sys
import time


def hot(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def cold(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def main():
    k, rounds = int(sys.argv[1]), int(sys.argv[2])
    # Round lengths vary (0.5k to 1.5k, k on average): rounds of one fixed
    # length could beat against the sampling period and alias.
    hot_s = cold_s = 0.0
    for r in range(rounds):
        k_r = k // 2 + k * ((r * 37) % 100) // 100
        t0 = time.perf_counter()
        hot(7 * k_r)
        t1 = time.perf_counter()
        cold(3 * k_r)
        t2 = time.perf_counter()
        hot_s += t1 - t0
        cold_s += t2 - t1
    print(f"cpu_split: hot_s={hot_s:.6f} cold_s={cold_s:.6f}", file=sys.stderr)


if __name__ == "__main__":
    main()
