"""Live-blog parsing, claim extraction, storage and the command line of conflict-map."""
