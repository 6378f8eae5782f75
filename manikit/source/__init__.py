"""Where manifests come from: files, directories, stdin; YAML with line and column for every node."""
