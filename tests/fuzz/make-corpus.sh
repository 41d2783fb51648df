#!/bin/sh
# Remake the seed corpus of fuzz_pprof (run from the repository, as root,
# after `make` and `make -C tests/workloads`; the foreign profiles need node
# and npm's pprof-format, as tests/integration/conftest.py installs it).
# Each file stays well under 20 KB.
# `make-corpus.sh pycode` remakes only fuzz_pycode's seeds, from the pyenv
# interpreters 3.10 to 3.13 (PYENV_ROOT, default /root/.pyenv).
set -eu
P=tests/fuzz/corpus/pycode
rm -rf $P
for v in 10 11 12 13; do
	for py in "${PYENV_ROOT:-/root/.pyenv}"/versions/3.$v.*/bin/python3; do
		[ -x "$py" ] && "$py" tests/fuzz/pycode_seeds.py $P && break
	done
done
[ "${1:-}" != pycode ] || exit 0
C=tests/fuzz/corpus/pprof
W=./whyslow
B=tests/workloads/bin
NPM_DIR=${WHYSLOW_NPM_DIR:-/tmp/whyslow-test-npm}
srv=
tmp=$(mktemp -d /tmp/wsfz-XXXXXX)
trap '[ -z "$srv" ] || kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p $C
rm -f $C/*.pb $C/*.pb.gz
rec() { # NAME CMD...: a whyslow profile, its stdout and stderr discarded
	name=$1
	shift
	$W record --save $C/$name.pb.gz -o /dev/null -- "$@" \
		</dev/null >/dev/null 2>&1
}
rec hot7030 $B/hot7030 0.1
rec forker $B/forker
rec mutex4 $B/mutex4
rec spawn $B/spawn
for i in 0 1 2 3 4 5; do echo "file $i" >"$tmp/$i.txt"; echo ok >"$tmp/$i"; done
chmod 644 "$tmp"/*
rec reread /usr/bin/python3 tests/workloads/py/reread.py "$tmp" 6 5
( cd "$tmp" && exec python3 -m http.server 18089 --bind 127.0.0.1 \
	>/dev/null 2>&1 ) &
srv=$!
sleep 1
rec linkcheck /usr/bin/python3 tests/workloads/py/linkcheck.py \
	http://127.0.0.1:18089 4 1
# profiles of other tools, and plain protobuf copies of the small ones
WHYSLOW_NPM_DIR=$NPM_DIR /usr/bin/python3 - <<'PY'
import gzip, sys
from pathlib import Path
sys.path.insert(0, "tests/integration")
import os
import test_pprof as t
import test_pprof_foreign as foreign
c = Path("tests/fuzz/corpus/pprof")
npm = {"node": "node",
       "modules": Path(os.environ["WHYSLOW_NPM_DIR"]) / "node_modules"}
for name, spec in (("go_cpu", foreign.go_spec()), ("datadog_wall", foreign.dd_spec())):
    t.pprof_encode(npm, spec, c / f"{name}.pb.gz")
    Path(str(c / f"{name}.pb.gz") + ".json").unlink()
(c / "mini.pb").write_bytes(t.mini_profile())
for n in ("hot7030", "forker", "mutex4", "reread", "go_cpu"):
    (c / f"{n}.pb").write_bytes(gzip.decompress((c / f"{n}.pb.gz").read_bytes()))
PY
ls -l $C
