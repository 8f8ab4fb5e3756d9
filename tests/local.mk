# tests: sources appended by this directory
