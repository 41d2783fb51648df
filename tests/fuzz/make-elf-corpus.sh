#!/bin/sh
# Remake the seeds of fuzz_elf: a small workload with debug info, built a
# few ways (each well under the 64 KiB -max_len of `make fuzz`).
set -eu
C=tests/fuzz/corpus/elf
W=tests/workloads
mkdir -p $C
gcc -gdwarf-5 -O1 -I$W -o $C/hot7030-gcc5 $W/hot7030.c
gcc -gdwarf-4 -O2 -I$W -o $C/hot7030-gcc4 $W/hot7030.c
gcc -g -O1 -gz=zlib -I$W -o $C/hot7030-gccz $W/hot7030.c
gcc -g -O1 -fPIE -pie -s -I$W -o $C/hot7030-stripped $W/hot7030.c
clang -g -O1 -I$W -o $C/hot7030-clang $W/hot7030.c
# mangled C++ symbols and GCC clones (.constprop, .isra), for the demangler
g++ -g1 -O2 -o $C/cxx_geo-gxx $W/cxx_geo.cpp
chmod 644 $C/*
ls -l $C
