"""Loaded by bench_workers.py through PYTHONPATH: profiles every Ansible worker process (one per task and host).

Each worker is forked from ansible-playbook and runs one task for one host; its cProfile goes to a file named after
the process and the task, in the folder CW_WORKER_PROFILE names. Nothing happens without that variable.
"""

import os

if os.environ.get("CW_WORKER_PROFILE"):
    import cProfile

    from ansible.executor.process import worker

    _run = worker.WorkerProcess.run

    def _profiled_run(self):
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return _run(self)
        finally:
            profiler.disable()
            name = str(getattr(getattr(self, "_task", None), "name", "") or "task")
            safe = "".join(c if c.isalnum() else "_" for c in name)[:60]
            profiler.dump_stats(os.path.join(os.environ["CW_WORKER_PROFILE"], "%d--%s.prof" % (os.getpid(), safe)))

    worker.WorkerProcess.run = _profiled_run
