# state: sources appended by this directory
