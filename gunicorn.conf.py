"""gunicorn's settings for the knowledge map (`gunicorn -c gunicorn.conf.py knowledgemap.wsgi`).
Everything a deployment tunes comes from the environment; .env.example lists it."""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where to listen. 127.0.0.1 by default so `make serve` is not open to the network; the container sets
# HOST=0.0.0.0.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_env_int('PORT', 8000)}"

# Processes × threads. Threads let a worker serve another page while one waits on the database or sends a
# download to a slow client; and gthread workers keep answering gunicorn's heartbeat while they do, so a
# long download is not killed as a hung worker.
workers = _env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)

# A request that takes longer than this is a stuck worker: it is killed and replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Restart workers now and then, so a slow leak never grows large; the jitter keeps them from all
# restarting at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# The heartbeat file on a RAM disk where there is one (containers): a slow overlay filesystem can
# otherwise make healthy workers look dead.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Django logs each request (knowledgemap.access) and its errors; gunicorn logs only its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's runtime control socket is not used; left on, two servers on one machine (a `make serve` and a
# `make loadtest`, say) would share its default path.
control_socket_disable = True
