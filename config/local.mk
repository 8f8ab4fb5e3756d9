# config: sources appended by this directory
