"""The `pacesetter` console script: demo, serve, worker, and any Django management command."""

import os
import signal
import subprocess
import sys
import time

USAGE = """usage: pacesetter <command> [options]

  demo [--serve] [--reset]   build the demo city (idempotent); with --serve, run site + worker on :8000
  serve [--port N] [--workers N]
                             run the site on the existing data with gunicorn (N web workers, 2 by
                             default) and the task worker beside it
  worker                     run queued tasks and periodic sweeps until stopped
  backup FILE                write database, uploaded files and secret key to FILE (tar.gz); safe while serving
  restore FILE               restore FILE into an empty database and empty data directory
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


def gunicorn_args(port: int, workers: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "pacesetter.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--preload",
    ]


def worker_args() -> list[str]:
    return [sys.executable, "-m", "pacesetter", "worker"]


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM us if `serve` itself is killed (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the signal handlers in serve() still stop the children
        pass


class _Stop(Exception):
    """Raised in serve() by SIGTERM/SIGINT so that the children are stopped on the way out."""


def _int_option(args: list[str], name: str, default: int) -> int | None:
    """`name N` from the command line as a positive int; None when it is there but not one (usage is shown)."""
    if name not in args:
        return default
    i = args.index(name) + 1
    value = args[i] if i < len(args) else ""
    return int(value) if value.isdigit() and 0 < int(value) < 65536 else None


def _raise_stop(signum, frame):
    raise _Stop(signum)


def serve(port: int = 8000, *, workers: int = 2, grace_seconds: float = 10) -> int:
    """Run gunicorn and one worker process until SIGTERM or SIGINT (Ctrl-C), then stop both.

    Without a handler, SIGTERM ended this process alone and left gunicorn and the worker on the port.
    A worker that dies is started again; when gunicorn exits, everything stops with its code.
    """
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="pacesetter.settings")
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    children: dict[str, subprocess.Popen] = {}

    def start(name: str, args: list[str]) -> None:
        # A session of its own: on a timeout the whole group (gunicorn's workers too) is killed, and a
        # Ctrl-C in the terminal reaches only serve, which stops the children in order.
        children[name] = subprocess.Popen(args, env=env, preexec_fn=_die_with_parent, start_new_session=True)

    code = 0
    try:
        start("worker", worker_args())
        start("web", gunicorn_args(port, workers))
        print(f"Pacesetter 正在运行：http://127.0.0.1:{port}/  （Ctrl-C 停止）", flush=True)
        while (code := children["web"].poll()) is None:
            if children["worker"].poll() is not None:
                print("后台任务进程已退出，正在重新启动", file=sys.stderr, flush=True)
                start("worker", worker_args())
            time.sleep(0.5)
    except (_Stop, KeyboardInterrupt):
        code = 0
    finally:
        # Our handlers stay in place until the children are gone: a second Ctrl-C must not orphan them.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for p in children.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in children.values():
            try:
                p.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                # A task cut short here is taken up again by the next worker once its lease ends.
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def _archive(command: str, rest: list[str], failure: str) -> tuple[dict | None, int]:
    """Run core.backup's `backup` or `restore` (named by `command`) on the FILE of `pacesetter <command> FILE`:
    (its manifest, 0), or (None, the exit code) once the usage or the failure is printed."""
    if len(rest) != 1:
        print(f"用法：pacesetter {command} FILE", file=sys.stderr)
        return None, 2
    _django()
    from pacesetter.core import backup as archive

    try:
        return getattr(archive, command)(rest[0]), 0
    except archive.BackupError as e:
        print(f"{failure}：{e}", file=sys.stderr)
        return None, 1


def backup_command(rest: list[str]) -> int:
    """`pacesetter backup FILE`."""
    manifest, code = _archive("backup", rest, "备份失败")
    if manifest is None:
        return code
    print(
        f"已备份到 {rest[0]}：数据库（{manifest['engine'].rsplit('.', 1)[-1]}）、{len(manifest['files'])} 个上传文件、密钥"
    )
    return 0


def restore_command(rest: list[str]) -> int:
    """`pacesetter restore FILE`."""
    manifest, code = _archive("restore", rest, "恢复失败")
    if manifest is None:
        return code
    print(f"已从 {rest[0]} 恢复（备份时间 {manifest['created']}，{len(manifest['files'])} 个上传文件）。")
    if manifest["secret_key_mismatch"]:
        print(
            "注意：环境变量 PACESETTER_SECRET_KEY 与备份中的密钥不同；请把它设为备份时的密钥，"
            "否则依赖密钥的数据（如地址哈希）将对不上。",
            file=sys.stderr,
        )
    print("如程序版本比备份新，启动前请运行：pacesetter manage migrate（serve 会自动执行）。")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command in ("demo", "serve", "worker", "backup", "restore") and ("-h" in rest or "--help" in rest):
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
        port, workers = _int_option(rest, "--port", 8000), _int_option(rest, "--workers", 2)
        if port is None or workers is None:
            print(USAGE, file=sys.stderr)
            return 2
        _manage(["migrate", "--noinput", "-v", "0"])
        _collectstatic()
        return serve(port, workers=workers)
    if command == "backup":
        return backup_command(rest)
    if command == "restore":
        return restore_command(rest)
    if command == "worker":
        _manage(["worker", *rest])
        return 0
    _manage(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
