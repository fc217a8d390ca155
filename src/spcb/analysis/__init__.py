"""The analysis stage: pure functions of DataFrames and the plan. Nothing here opens a file or the store."""
