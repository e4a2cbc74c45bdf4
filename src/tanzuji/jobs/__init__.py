"""Calculation jobs (footprints, Monte Carlo runs, batches) in process or on Dask (docs/jobs.md)."""
