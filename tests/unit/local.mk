# Unit tests (cmocka): each tests/unit/NAME.c is one program, run by make
# check. They all build the same way, so one rule serves them: the
# default source (NAME.c), LDADD and the test flags below. A new test is
# one more name in unit_tests.
unit_tests = \
	tests/unit/test_agent tests/unit/test_bundle tests/unit/test_config \
	tests/unit/test_config_daemon tests/unit/test_config_proposal \
	tests/unit/test_config_redact tests/unit/test_config_secrets \
	tests/unit/test_crypto tests/unit/test_crypto_dh_pool \
	tests/unit/test_crypto_sk tests/unit/test_ctl tests/unit/test_daemon_options \
	tests/unit/test_daemon_reload tests/unit/test_daemon_run \
	tests/unit/test_flowmib_show tests/unit/test_ike_glue tests/unit/test_monitor \
	tests/unit/test_ike_glue_socket tests/unit/test_ike_halfopen tests/unit/test_ike_startq \
	tests/unit/test_ikev2_engine \
	tests/unit/test_ikev2_engine_flood tests/unit/test_ikev2_engine_interop \
	tests/unit/test_ikev1_msg tests/unit/test_ikev1_keys tests/unit/test_ikev1_engine \
	tests/unit/test_ikev1_vendor tests/unit/test_ike_payload_walk \
	tests/unit/test_ios_defaults tests/unit/test_loop \
	tests/unit/test_ikev2_keys tests/unit/test_ikev2_msg \
	tests/unit/test_ikev2_msg_build tests/unit/test_ikev2_msg_corpus \
	tests/unit/test_ikev2_msg_errors tests/unit/test_ikev2_proposal \
	tests/unit/test_route_netns tests/unit/test_show tests/unit/test_state \
	tests/unit/test_state_persist tests/unit/test_state_sorted \
	tests/unit/test_updown tests/unit/test_vici tests/unit/test_xfrm_events \
	tests/unit/test_route_msg tests/unit/test_xfrm_msg \
	tests/unit/test_xfrm_netns

if HAVE_CMOCKA
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)
endif
# Programs without an LDADD of their own (the unit tests) link this.
LDADD = $(unit_ldadd)
EXTRA_DIST += tests/unit/config_testutil.h tests/unit/test_ikev2_engine_env.h \
	tests/unit/golden_testutil.h tests/unit/data_testutil.h
