# daemon: sources appended by this directory
