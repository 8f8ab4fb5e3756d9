#!/bin/bash
# Fresh Debian 12 machine, as root: installs the packages, builds ikeflow in
# build/ and runs the narrated demo (tests/bed/demo/ikeflow-demo.sh) in a
# User-Mode Linux test bed, printing the guest's console live.
set -eu
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JOBS=${JOBS:-2}

echo "== packages"
bash scripts/deps.sh
echo "== build (log: build/demo-build.log)"
mkdir -p build
{
	[ -x configure ] || autoreconf -fi
	[ -f build/Makefile ] || (cd build && ../configure)
	make -C build -j"$JOBS"
} >build/demo-build.log 2>&1 || {
	tail -n 30 build/demo-build.log
	echo "demo: build failed, see build/demo-build.log" >&2
	exit 1
}
echo "== demo: booting the test bed"
rc=0
BUILDDIR=$PWD/build tests/bed/run -v -k -o "$PWD/build/tests/bed/demo" \
    tests/bed/demo/ikeflow-demo.sh || rc=$?
out=build/tests/bed/demo/ikeflow-demo
echo "== the dashboard's screenshot: $out/dashboard.png"
echo "== the diagnostic bundle:      $out/ikeflow-techsupport.tar.gz"
exit $rc
