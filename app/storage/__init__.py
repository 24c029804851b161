"""Where received instances and quarantined datasets are kept: a folder or an S3 bucket, behind
one interface, so no other module assumes a local path."""
