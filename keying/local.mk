# keying: sources appended by this directory
