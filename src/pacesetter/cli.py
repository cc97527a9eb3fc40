"""The `pacesetter` console script: demo, serve, worker, and any Django management command."""

import os
import signal
import subprocess
import sys

USAGE = """usage: pacesetter <command> [options]

  demo [--serve] [--reset]   build the demo city (idempotent); with --serve, run site + worker on :8000
  serve [--port N]           run the site on the existing data with gunicorn (and the worker beside it)
  worker                     run queued tasks and periodic sweeps until stopped
  manage <args>              any Django management command (migrate, createsuperuser, ...)
"""


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
    import django

    django.setup()


def _manage(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pacesetter", *args])


def _collectstatic():
    """Hashed, compressed copies of the static files for WhiteNoise (quick when nothing changed)."""
    _manage(["collectstatic", "--noinput", "-v", "0"])


# No query string (%(q)s, or the request line %(r)s) and no Referer (%(f)s): a ballot code sits in the path
# of /e/<code>/ and a receipt may sit in a query, and log lines beside each other would tie them together.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'


def gunicorn_args(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "pacesetter.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--preload",
    ]


def serve(port: int = 8000) -> int:
    """Run gunicorn and one worker process; stop both on Ctrl-C."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="pacesetter.settings")
    worker = subprocess.Popen([sys.executable, "-m", "pacesetter", "worker"], env=env)
    web = subprocess.Popen(gunicorn_args(port), env=env)
    print(f"Pacesetter 正在运行：http://127.0.0.1:{port}/  （Ctrl-C 停止）", flush=True)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for p in (web, worker):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in (web, worker):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command in ("demo", "serve", "worker") and ("-h" in rest or "--help" in rest):
        print(USAGE)  # never start a server (or build the demo) when asked how to
        return 0
    if command == "manage":
        _manage(rest)
        return 0
    if command == "demo":
        _manage(["migrate", "--noinput", "-v", "0"])
        _collectstatic()
        _manage(["demo", *[a for a in rest if a != "--serve"]])
        if "--serve" in rest:
            return serve()
        return 0
    if command == "serve":
        _manage(["migrate", "--noinput", "-v", "0"])
        _collectstatic()
        port = int(rest[rest.index("--port") + 1]) if "--port" in rest else 8000
        return serve(port)
    if command == "worker":
        _manage(["worker", *rest])
        return 0
    _manage(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
