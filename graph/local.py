"""The project's own Neo4j: Community 5.26 LTS, embedded, with Bolt on 127.0.0.1.

Maven resolves the pinned release (server/pom.xml) into a folder of jars once (`mvn`
when it is on the PATH, else the repository's Maven wrapper `./mvnw`, which fetches
Maven 3.9 from Maven Central on first use); then
`java ... Launcher.java` runs the database in a process of its own, with a pid file
and a log in its home folder. `fupin neo4j start|stop|status` drives this module, and
the test suite uses it to start a database of its own on another port.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SERVER_DIR = Path(__file__).parent / "server"
# The Maven wrapper at the repository's root (absent from a wheel: there, mvn or nothing).
MAVEN_WRAPPER = Path(__file__).resolve().parent.parent / "mvnw"
POM = SERVER_DIR / "pom.xml"
LAUNCHER = SERVER_DIR / "Launcher.java"
READY_LINE = "FUPIN-NEO4J-READY"

# The flags Neo4j 5 itself runs with on Java 17.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
)


class LocalNeo4jError(Exception):
    """The local Neo4j could not be resolved, started or stopped; the message says why."""


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()[:16]


def maven_command() -> str:
    """`mvn` when it is on the PATH, else the Maven wrapper (which downloads Maven into
    ~/.m2/wrapper the first time)."""
    if shutil.which("mvn") is not None:
        return "mvn"
    if os.access(MAVEN_WRAPPER, os.X_OK):
        return str(MAVEN_WRAPPER)
    raise LocalNeo4jError(
        "Maven is needed to resolve Neo4j from Maven Central: put mvn on the PATH "
        f"(or keep the Maven wrapper at {MAVEN_WRAPPER})"
    )


def resolve_jars(lib: Path, say: Callable[[str], None] = print) -> Path:
    """Resolve the pinned Neo4j into `lib` with Maven, once per version of pom.xml.

    Costs a minute and about 125 MB on the first call (Maven's cache then holds the
    jars; the wrapper's first run also fetches Maven, about 9 MB); later calls only
    check a marker file.
    """
    marker = lib / f".resolved-{_pom_digest()}"
    if marker.exists():
        return lib
    lib.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (the suite's workers) resolve once: the second
    # waits for the first's lock, then finds the marker.
    with (lib.parent / f".{lib.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return lib
        return _resolve(lib, marker, say)


def _resolve(lib: Path, marker: Path, say: Callable[[str], None]) -> Path:
    maven = maven_command()
    say(f"Resolving Neo4j jars with {Path(maven).name} into {lib} (first time only)...")
    staging = Path(tempfile.mkdtemp(prefix="neo4j-lib-", dir=lib.parent)).resolve()
    cmd = [
        maven,
        "-B",
        "-q",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = (done.stdout + done.stderr)[-2000:]
        raise LocalNeo4jError(f"Maven could not resolve Neo4j:\n{output}")
    (staging / marker.name).write_text("resolved\n")
    if lib.exists():
        shutil.rmtree(lib)
    staging.rename(lib)
    return lib


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _is_our_launcher(pid: int, home: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [part.decode(errors="replace") for part in cmdline]
    return any(arg.endswith("Launcher.java") for arg in args) and str(home) in args


def _exit_code(pid: int) -> int | None:
    """The exit code of our child `pid` once it has ended (reaping it), else None.
    A pid that is not our child (started by another `fupin`) reads as still running."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if done else None


@dataclass(frozen=True)
class LocalNeo4j:
    """One embedded Neo4j: its home folder (data, logs, pid file) and its Bolt port."""

    home: Path
    port: int
    password: str
    lib: Path
    heap_mb: int = 2048
    pagecache_mb: int = 2048
    tx_timeout_s: int = 30
    host: str = "127.0.0.1"

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "launcher.log"

    def pid(self) -> int | None:
        """The running launcher's pid, or None; a stale pid file is removed."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if _is_our_launcher(pid, self.home.resolve()):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(self, wait_s: float = 180, say: Callable[[str], None] = print) -> int:
        """Start the database unless it runs already; wait until Bolt answers."""
        running = self.pid()
        if running is not None:
            return running
        if _port_in_use(self.host, self.port):
            raise LocalNeo4jError(
                f"port {self.port} on {self.host} is taken by another process: stop it, "
                "or choose another port with FUPIN_NEO4J_PORT"
            )
        if shutil.which("java") is None:
            raise LocalNeo4jError("java is not on PATH: Neo4j 5.26 needs Java 17 or 21")
        lib = resolve_jars(self.lib, say)
        home = self.home.resolve()
        home.mkdir(parents=True, exist_ok=True)
        cmd = [
            "java",
            f"-Xms{min(self.heap_mb, 512)}m",
            f"-Xmx{self.heap_mb}m",
            *JVM_FLAGS,
            "-cp",
            f"{lib.resolve()}/*",
            str(LAUNCHER),
            str(home),
            self.host,
            str(self.port),
            str(self.pagecache_mb),
            str(self.tx_timeout_s),
        ]
        env = {**os.environ, "FUPIN_NEO4J_PASSWORD": self.password}
        say(f"Starting Neo4j on {self.uri} (data in {self.home})...")
        with self.log_file.open("ab") as log:
            log.write(f"--- start {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
            offset = log.tell()
            # posix_spawn, not Popen: the database outlives this process, and a Popen
            # object collected while its child runs warns.
            pid = os.posix_spawnp(
                cmd[0],
                cmd,
                env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, log.fileno(), 1),
                    (os.POSIX_SPAWN_DUP2, log.fileno(), 2),
                ],
                setsid=True,
            )
        self.pid_file.write_text(f"{pid}\n")
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            code = _exit_code(pid)
            if code is not None:
                self.pid_file.unlink(missing_ok=True)
                raise LocalNeo4jError(f"Neo4j exited with code {code}:\n{self._log_tail(offset)}")
            if READY_LINE in self._log_tail(offset) and _port_in_use(self.host, self.port):
                return pid
            time.sleep(0.25)
        self.stop()
        raise LocalNeo4jError(f"Neo4j did not answer within {wait_s:.0f} s; see {self.log_file}")

    def stop(self, wait_s: float = 120) -> bool:
        """Shut the database down cleanly (SIGTERM runs its shutdown hook)."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            _exit_code(pid)  # reaps it when this process started it
            if not _is_our_launcher(pid, self.home.resolve()):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _log_tail(self, offset: int) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""
