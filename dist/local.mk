# dist: the systemd unit, with the install paths filled in at build time
EXTRA_DIST += dist/ikeflowd.service.in
CLEANFILES += dist/ikeflowd.service

if HAVE_SYSTEMD
systemdsystemunit_DATA = dist/ikeflowd.service
endif

dist/ikeflowd.service: $(srcdir)/dist/ikeflowd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) dist && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    $(srcdir)/dist/ikeflowd.service.in >$@.tmp && mv $@.tmp $@

# install the unit under the distcheck prefix, not into the real system
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir=$$dc_install_base/$(systemdsystemunitdir)
