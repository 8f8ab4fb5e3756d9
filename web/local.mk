# web: sources appended by this directory
