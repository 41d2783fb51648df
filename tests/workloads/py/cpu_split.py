"""CPU split 7:3 between two functions with identical bodies.

    python3 cpu_split.py K ROUNDS

Each round calls hot(7*K) then cold(3*K): the same loop, so the profile
must give hot 70 % and cold 30 % of the samples taken in the two."""
import sys


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
    for r in range(rounds):
        k_r = k // 2 + k * ((r * 37) % 100) // 100
        hot(7 * k_r)
        cold(3 * k_r)


if __name__ == "__main__":
    main()
