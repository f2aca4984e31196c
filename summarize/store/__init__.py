"""A run's files on disk: their names, the one reader and the atomic writers of records, the
shape of a record, and the verification of a finished version. run/ and publish/ both stand on
this package, which imports neither."""
