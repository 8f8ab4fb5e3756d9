# doc: manual pages
dist_man_MANS += doc/ikeflowd.8 doc/ikeflowctl.8 doc/ikeflowd.conf.5
EXTRA_DIST += doc/web-api.md
EXTRA_DIST += doc/keying-exchanges.md doc/monitor-mode.md
