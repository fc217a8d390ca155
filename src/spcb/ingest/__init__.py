"""The ingest stage: the input contract, the readers of every published format, and the store they fill."""
