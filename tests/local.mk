# tests: the UML test bed and the scripts that run everything. Scenarios need
# root and User-Mode Linux: scripts/test-all.sh runs them, `make check` does not.
# Whole directories, so that a new scenario or configuration ships by itself.
EXTRA_DIST += tests/bed/README.md tests/bed/run tests/bed/guest-init \
	tests/bed/lib.sh tests/bed/interop-lib.sh tests/bed/uml-xstate.c \
	tests/bed/scenarios tests/bed/conf tests/bed/demo \
	scripts/deps.sh scripts/test-all.sh scripts/demo.sh \
	scripts/module-cycles.sh
