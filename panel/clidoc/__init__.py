"""The command line's documents, generated from its argparse tree: completion, man page."""
