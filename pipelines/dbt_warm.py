"""A dbt process started before the build step needs it, with dbt already imported.

Importing dbt takes over a second before a `dbt build` reads a file, and a refresh knows from its start that
its dbt step will come. So `prestarted()` starts `serve` beside the refresh, in dbt's environment: it imports
dbt while the refresh ingests and gates its sources (on the other core), then waits. dagster-dbt's dbt
executable is `wellled-dbt` (`client`): it hands the waiting process its arguments, folder, environment and
standard streams, forwards the signals it gets, and exits with dbt's exit status, so to dagster-dbt it is dbt.
Where nothing waits (a run launched from the UI, a second dbt command, a waiting process that died), `client`
runs dbt itself, exactly as the `dbt` command does.

`serve` and `client` run in dbt's environment: they import nothing from the project.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

WAITING = "WELLLED_DBT_WAITING"  # the socket of the waiting dbt process, for `client`
_STREAMS = (0, 1, 2)
_LARGEST_REQUEST = 1 << 20  # bytes: the arguments and the environment


@contextlib.contextmanager
def prestarted(dbt_python: Path) -> Iterator[subprocess.Popen]:
    """Within the block, a dbt process (yielded) waits for this process's first `wellled-dbt` command; stopped
    after the block if it is still there.

    The socket is in a new owner-only folder, so only this user's processes can hand it a command.
    """
    folder = tempfile.mkdtemp(prefix="wellled-dbt-")
    path = os.path.join(folder, "socket")
    waiting = subprocess.Popen([str(dbt_python), "-m", "pipelines.dbt_warm", path], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if _listening(path, waiting):  # else (it could not start) the command runs dbt itself
        os.environ[WAITING] = path
    try:
        yield waiting
    finally:
        os.environ.pop(WAITING, None)
        if waiting.poll() is None:  # never used (the run stopped before dbt), or still running dbt (interrupted)
            waiting.terminate()
            try:
                waiting.wait(timeout=30)
            except subprocess.TimeoutExpired:
                waiting.kill()
                waiting.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _listening(path: str, waiting: subprocess.Popen, seconds: float = 10.0) -> bool:
    """Wait until the new process listens (it does before importing dbt: a few hundredths of a second)."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if waiting.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def client() -> None:
    """`wellled-dbt ARGS`: `dbt ARGS`, run by the waiting dbt process when there is one, else here."""
    path = os.environ.pop(WAITING, None)
    connection = _connect(path) if path else None
    if connection is None:
        from dbt.cli.main import cli

        sys.exit(cli(prog_name="dbt"))
    with connection:
        request = json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
        socket.send_fds(connection, [request], list(_STREAMS))
        pid = int(connection.recv(64) or 0)
        if pid:
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, lambda received, _frame: os.kill(pid, received))
        status = connection.recv(64).strip()
    if not status:
        print("wellled-dbt: the waiting dbt process ended before dbt did", file=sys.stderr)
        sys.exit(1)
    sys.exit(int(status))


def _connect(path: str) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(path)
    except OSError:  # nothing waits there any more
        connection.close()
        return None
    return connection


def serve(path: str) -> None:
    """Import dbt, wait for one `client`, run its command with its streams, folder and environment, reply with
    the exit status. Gives up when the process that started it has gone."""
    parent = os.getppid()
    # Sequenced packets keep each message whole: the request with the streams, the pid, the exit status.
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as listener:
        # Listening before importing dbt: a client that comes early waits for the import. The socket appears at
        # `path` only once it listens, so a client that finds it can connect.
        listener.bind(f"{path}.new")
        listener.listen(1)
        os.rename(f"{path}.new", path)
        from dbt.cli.main import cli

        listener.settimeout(0.5)
        while True:
            if os.getppid() != parent:
                return
            try:
                connection, _ = listener.accept()
                break
            except TimeoutError:
                continue
        os.unlink(path)  # one command only: a later client runs dbt itself
    connection.settimeout(None)
    with connection:
        message, streams, _, _ = socket.recv_fds(connection, _LARGEST_REQUEST, len(_STREAMS))
        request = json.loads(message)
        for target, received in zip(_STREAMS, streams, strict=True):
            os.dup2(received, target)
            os.close(received)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["dbt", *request["argv"]]
        connection.send(f"{os.getpid()}\n".encode())
        finished = threading.Event()
        threading.Thread(target=_stop_if_client_goes, args=(connection, finished), daemon=True).start()
        try:
            status = cli(prog_name="dbt")
        except SystemExit as stop:
            status = stop.code
        finished.set()
        sys.stdout.flush()
        sys.stderr.flush()
        with contextlib.suppress(OSError):  # a client killed meanwhile reads nothing
            connection.send(f"{status if isinstance(status, int) else 0 if status is None else 1}\n".encode())


def _stop_if_client_goes(connection: socket.socket, finished: threading.Event) -> None:
    """dbt is interrupted, as Ctrl-C would, when the client that waits for it is killed before it ends."""
    with contextlib.suppress(OSError):
        if connection.recv(1) == b"" and not finished.is_set():
            os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    serve(sys.argv[1])
