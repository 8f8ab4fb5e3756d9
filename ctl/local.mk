# ctl: sources appended by this directory
