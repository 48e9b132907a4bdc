"""Jobs: the job graph engine (cron schedules, a DAG runner, retries, history, datasets).

- `model`: a job definition (`JobDef`) from the workspace's `jobs` JSON section;
- `cron`, `clock`: fire times (croniter, per-job time zone) and an injectable clock;
- `command`: a job's argv from its command and options (never a shell unless asked);
- `safety`: dangerous-command detection, resource limits through util-linux `prlimit`;
- `store`: the run history, dataset allocations and schedule state in the workspace DB;
- `datasets`: all-or-nothing allocation of dataset paths to an owner (run or session);
- `engine`: `JobEngine`, the QObject that schedules and runs it all;
- `notify`: outgoing webhooks; `hooks`: the incoming webhook HTTP endpoint.
"""
