#!/bin/sh
# check_layers.sh BUILD LAYER... - fail when an object of a library layer
# uses a symbol defined in a layer above it (layers given bottom first).
# The include paths already stop most such calls at compile time; this
# catches a declaration copied by hand.
build=$1; shift
rc=0
above=""
# Walk top-down so "above" holds the layers above the current one.
layers=""
for l in "$@"; do layers="$l $layers"; done
for l in $layers; do
	if [ -n "$above" ]; then
		for a in $above; do
			nm --defined-only -g "$build/libkeg_$a.a" 2>/dev/null |
				awk 'NF == 3 { print $3 }'
		done | sort -u > "$build/.layers_above"
		nm -u "$build/libkeg_$l.a" | awk '/:$/ { obj = $1 } $1 == "U" { print $2, obj }' |
			sort > "$build/.layers_used"
		bad=$(join "$build/.layers_used" "$build/.layers_above")
		if [ -n "$bad" ]; then
			echo "layer $l uses symbols of a layer above it:" >&2
			echo "$bad" >&2
			rc=1
		fi
	fi
	above="$above $l"
done
rm -f "$build/.layers_above" "$build/.layers_used"
exit $rc
