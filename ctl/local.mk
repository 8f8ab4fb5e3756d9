# ctl: the control socket (daemon side), its client, and ikeflowctl
libikeflow_a_SOURCES += ctl/ctl.c ctl/ctl.h ctl/ctl_client.c ctl/ctl_client.h \
	ctl/bundle.c ctl/bundle.h
ikeflowctl_SOURCES += ctl/ikeflowctl.c

