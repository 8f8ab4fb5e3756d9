# dist: sources appended by this directory
