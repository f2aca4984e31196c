"""Run bookkeeping: the window of stages, versions, lock, keys, reuse, writing and finishing a run, runners."""
