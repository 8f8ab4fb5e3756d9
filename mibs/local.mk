# mibs: sources appended by this directory
