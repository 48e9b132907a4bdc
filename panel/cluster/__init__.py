"""Jobs on a cluster: the `opspanel cluster-worker` (a Celery worker with one task) and the
Redis keys it shares with the job engine's cluster executor. No Qt here: a worker machine
runs this without a window or an engine."""
