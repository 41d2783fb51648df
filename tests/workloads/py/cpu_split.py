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
    for _ in range(rounds):
        hot(7 * k)
        cold(3 * k)


if __name__ == "__main__":
    main()
