"""Deduplication: MinHash signatures, LSH candidates, confirmed decisions and the persistent index."""
