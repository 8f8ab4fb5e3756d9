# bench: sources appended by this directory
