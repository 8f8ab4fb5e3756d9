#!/bin/sh
# Reports calls that go round in circles between the files of a directory:
# file A calls a function (or uses data) defined in B, and B, directly or
# through others, calls back into A. Read from the built objects (nm), so
# it sees what the code really calls, not what it includes.
#
#   scripts/module-cycles.sh BUILDDIR DIR...	(e.g. build keying kernel)
#
# Prints each circle and exits 1 if there is one, 0 otherwise.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 BUILDDIR DIR..." >&2; exit 2; }
build=$1
shift
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in "$@"; do
	objs=$(ls "$build/$dir"/*.o 2>/dev/null) || {
		echo "$0: no objects in $build/$dir (build first)" >&2
		exit 2
	}
	: >"$tmp/def"
	: >"$tmp/use"
	for o in $objs; do
		f=$(basename "$o" .o)
		nm "$o" | awk -v f="$f" '
			$1 == "U" { print f, $2 >> "'"$tmp/use"'" }
			NF == 3 && $2 ~ /^[TDBR]$/ { print $3, f >> "'"$tmp/def"'" }'
	done
	# "user definer" edges inside the directory, self-calls left out
	awk 'NR == FNR { def[$1] = $2; next }
		($2 in def) && def[$2] != $1 { print $1, def[$2] }' \
	    "$tmp/def" "$tmp/use" | sort -u >"$tmp/edges"
	# files that reach each other (transitive closure; a directory is small)
	# form one circle: print each with the calls inside it
	if ! awk '
		{ n[$1] = n[$2] = 1; r[$1, $2] = 1; e[++ne] = $1 " " $2 }
		END {
			for (k in n) for (i in n) if (r[i, k]) for (j in n)
				if (r[k, j]) r[i, j] = 1
			bad = 0
			for (i in n) {
				if (seen[i] || !r[i, i]) continue
				line = ""
				for (j in n) if (r[i, j] && r[j, i]) { seen[j] = 1; line = line " " j }
				print "  circle:" line
				for (x = 1; x <= ne; x++) {
					split(e[x], ab, " ")
					if (r[i, ab[1]] && r[ab[1], i] && r[i, ab[2]] && r[ab[2], i])
						print "    " ab[1] " -> " ab[2]
				}
				bad = 1
			}
			exit bad
		}' "$tmp/edges" >"$tmp/loops"; then
		echo "$dir: calls in a circle:"
		cat "$tmp/loops"
		status=1
	else
		echo "$dir: no circles ($(wc -l <"$tmp/edges") calls between files)"
	fi
done
exit $status
