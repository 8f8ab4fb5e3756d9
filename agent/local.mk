# agent: sources appended by this directory
