#!/bin/sh
# record.sh regenerates the golden files from bpftrace 0.17: for each
# bpftrace/NAME.bt it runs the script in text and in -f json mode and keeps
# what it prints before the line --END-- as NAME.txt and NAME.json.
# Run it as root from this directory. format_test.go builds the same values
# from canned bytes and compares.
set -e
for bt in bpftrace/*.bt; do
	name=$(basename "$bt" .bt)
	bpftrace -q "$bt" 2>/dev/null | sed '/^--END--$/,$d' >"$name.txt"
	bpftrace -q -f json "$bt" 2>/dev/null | sed '/--END--/,$d' >"$name.json"
done
