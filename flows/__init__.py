"""The Prefect flow, the scheduled deployment and the `cleancorpus` command line, over cleancorpus.pipeline."""
