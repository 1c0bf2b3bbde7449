"""A run: plan, process, deduplicate, write and commit stages, the state they keep, and the runner that calls them."""
