# web: the dashboard, the JSON API and the Prometheus metrics (libmicrohttpd in
# ikeflowd's loop)
libikeflow_a_SOURCES += web/web.h web/web_int.h web/web_server.h web/server.c \
	web/web_module.c web/api.c web/metrics.c web/html.c web/table.c web/text.c \
	web/samples.c web/auth.c web/web_auth.h web/tech_bundle.c
nodist_libikeflow_a_SOURCES = web/assets.c
web_assets = $(srcdir)/web/static/app.js $(srcdir)/web/static/style.css
web/assets.c: $(web_assets) $(srcdir)/web/gen-assets.sh
	$(AM_V_GEN)$(MKDIR_P) web && $(SHELL) $(srcdir)/web/gen-assets.sh $(web_assets) > $@.tmp && mv $@.tmp $@
BUILT_SOURCES = web/assets.c
CLEANFILES += web/assets.c
EXTRA_DIST += web/gen-assets.sh web/static/app.js web/static/style.css

# The real server over a known model, driven by tests/web/run-web-test.sh
noinst_PROGRAMS += tests/web/web_fixture
tests_web_web_fixture_SOURCES = tests/web/web_fixture.c tests/web/web_model.c \
	tests/web/web_model.h
tests_web_web_fixture_LDADD = libikeflow.a $(IKEFLOW_LIBS)
TESTS += tests/web/run-web-test.sh
EXTRA_DIST += tests/web/run-web-test.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_web
TESTS += tests/unit/test_web
tests_unit_test_web_SOURCES = tests/unit/test_web.c tests/web/web_model.c \
	tests/web/web_model.h
tests_unit_test_web_CFLAGS = $(unit_cflags)
tests_unit_test_web_LDADD = $(unit_ldadd)
endif
