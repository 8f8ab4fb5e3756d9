# doc: sources appended by this directory
