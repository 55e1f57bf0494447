#!/bin/sh
# The mechanical part of our KNF style: 80 columns with tabs of 8, no C++
# comments, no trailing white space, and a purpose comment atop each file;
# and the limits of size: no file in src/ over 450 lines, no function in
# src/ or cmd/ over 80, and at least 5% comment lines in each of their
# files. Run by make check; prints each offending line.
top=${top_srcdir:-.}
rc=0
for f in "$top"/cmd/*.c "$top"/src/*.c "$top"/include/*.h \
    "$top"/include/forkload/*.h "$top"/tests/*.c "$top"/tests/plugins/*.c \
    "$top"/tests/fuzz/*.c "$top"/examples/*.c "$top"/bench/*.c; do
	[ -f "$f" ] || continue
	awk -v f="$f" '
	{
		line = $0
		col = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "\t")
				col = col + 8 - col % 8
			else
				col++
		}
		if (col > 80) { printf "%s:%d: longer than 80 columns\n", f, NR; bad = 1 }
		if (line ~ /[ \t]$/) { printf "%s:%d: trailing white space\n", f, NR; bad = 1 }
		if (line ~ /^[^"]*\/\//) { printf "%s:%d: C++ comment\n", f, NR; bad = 1 }
		if (NR == 1 && line !~ /^\/\*/) { printf "%s:1: no purpose comment at the top\n", f; bad = 1 }
	}
	END { exit bad }' "$f" || rc=1
done
for f in "$top"/src/*.c "$top"/cmd/*.c; do
	[ -f "$f" ] || continue
	awk -v f="$f" -v src="$(case $f in */src/*) echo 1;; esac)" '
	/^[A-Za-z_].*\(/ { name = $0 }
	/^\{/ { start = NR }
	/^\}/ && start {
		if (NR - start + 1 > 80) {
			printf "%s:%d: function %s is %d lines, over 80\n",
			    f, start, name, NR - start + 1
			bad = 1
		}
		start = 0
	}
	{
		if (inc) { ncom++; if ($0 ~ /\*\//) inc = 0; next }
		if ($0 ~ /\/\*/) { ncom++; if ($0 !~ /\*\//) inc = 1 }
	}
	END {
		if (src && NR > 450) {
			printf "%s: %d lines, over 450\n", f, NR
			bad = 1
		}
		if (ncom * 100 < NR * 5) {
			printf "%s: %d comment lines of %d, under 5%%\n", f,
			    ncom, NR
			bad = 1
		}
		exit bad
	}' "$f" || rc=1
done
exit $rc
