#!/bin/sh
# The layout is the architecture (user/README.md): user/ holds main.c and
# stage folders; a stage includes only the stages below it; no source file
# in bpf/, user/, tests/unit/ or tests/integration/ is over 900 lines;
# every folder says what it holds.
set -u
cd "$(dirname "$0")/.."

# Each stage and what it may include, lowest first.
deps='lib:
profile:lib
classify:lib profile
symbols:lib profile classify
proc:lib profile
python:lib profile symbols proc
record:lib profile classify symbols proc python
pprof:lib profile classify
analyze:lib profile classify
report:lib profile classify analyze pprof
mcp:lib profile pprof analyze report record'
MAX_LINES=900
bad=0

fail() {
	echo "check-layout: $*" >&2
	bad=1
}

for f in user/*; do
	case $f in
	user/main.c | user/README.md) ;;
	*) [ -d "$f" ] || fail "$f: user/ holds main.c and stage folders only" ;;
	esac
done

for d in user/*/; do
	stage=$(basename "$d")
	allowed=$(printf '%s\n' "$deps" | sed -n "s/^$stage://p")
	printf '%s\n' "$deps" | grep -q "^$stage:" ||
		{ fail "user/$stage: not a known stage"; continue; }
	[ -f "$d/README.md" ] || fail "user/$stage: no README.md"
	for src in "$d"*.c "$d"*.h; do
		[ -e "$src" ] || continue
		for inc in $(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$src"); do
			[ "$inc" = "$stage" ] && continue
			case " $allowed " in
			*" $inc "*) ;;
			*) fail "$src includes $inc/, which $stage/ may not" ;;
			esac
		done
	done
done

# The BPF ABI is the record side's: writers and analysis never see it.
for src in user/analyze/* user/report/* user/profile/* user/pprof/*; do
	grep -q '#include "whyslow.h"' "$src" &&
		fail "$src includes whyslow.h (the BPF ABI)"
done
for src in $(grep -l 'whyslow.skel.h' user/*/*.c user/main.c); do
	[ "$src" = user/record/bpf.c ] ||
		fail "$src includes the skeleton: only record/bpf.c may"
done

for src in bpf/*.c bpf/*.h user/*.c user/*/*.c user/*/*.h \
	   tests/unit/*.h tests/unit/*/*.c tests/unit/*/*.h \
	   tests/integration/*.py; do
	n=$(wc -l < "$src")
	[ "$n" -le $MAX_LINES ] || fail "$src: $n lines (at most $MAX_LINES)"
done
# No two modules (a .c and its .h) include each other, directly or round
# a longer loop.
python3 - <<'PY' || bad=1
import glob, os, re, sys
mods = {}
for src in glob.glob("user/*/*.[ch]"):
    mod = src[len("user/"):-2]
    for inc in re.findall(r'^#include "([a-z_]+/[a-z_]+)\.h"', open(src).read(), re.M):
        if inc != mod:
            mods.setdefault(mod, set()).add(inc)
seen, stack, bad = set(), [], False
def walk(m):
    global bad
    if m in stack:
        print("check-layout: include circle: " +
              " -> ".join(stack[stack.index(m):] + [m]), file=sys.stderr)
        bad = True
        return
    if m in seen:
        return
    seen.add(m)
    stack.append(m)
    for n in sorted(mods.get(m, ())):
        walk(n)
    stack.pop()
for m in sorted(mods):
    walk(m)
sys.exit(1 if bad else 0)
PY
exit $bad
