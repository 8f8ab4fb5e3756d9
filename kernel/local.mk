# kernel: sources appended by this directory
