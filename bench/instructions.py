"""Instructions per request: what the busiest requests cost, counted rather than timed.

    python -m bench.instructions        (make bench-instructions; needs valgrind)

P2 to P5 time requests, and time on a shared virtual machine moves: the same code measured
50 ms and 90 ms on one of ours within a minute, and whole `make bench` runs differ by half.
Valgrind's callgrind counts the instructions a process executes instead, which is the same
from one run to the next for the same code and data, whatever else the machine is doing: the
figure to compare two commits by.

It seeds one class on SQLite in a temporary folder (the school's middle class, as P5 does),
then runs each request in a process of its own under callgrind: the WSGI handler called
directly with a student's session, the production settings, a warmed-up process. Each count
is two runs subtracted (warm-up only, then warm-up and N requests), so Django's start-up is
left out. It does not count gunicorn, the kernel or the database server: only the app's own
Python (and SQLite's, which runs in it).
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
KINDS = ("autosave", "workspace", "dashboard")
WARMUP = 10


def _env(workdir: Path) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(BASE_DIR),
        "PYTHONHASHSEED": "0",
        "DEBUG": "false",
        "LOCAL_HTTP": "true",
        "SECRET_KEY": "bench-instructions-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        "SQLITE_PATH": str(workdir / "one.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }


def _count(env: dict, kind: str, requests: int) -> int:
    """Instructions the child process executed in all."""
    out = Path(env["STATIC_ROOT"]).parent / f"callgrind-{kind}-{requests}.out"
    subprocess.run(  # noqa: S603 — our own interpreter and module, under valgrind
        [  # noqa: S607 — valgrind from PATH
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--child",
            kind,
            str(requests),
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    for line in out.read_text().splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {out}")


def main() -> int:
    if shutil.which("valgrind") is None:
        print("bench.instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 1
    requests = int(os.getenv("BENCH_INSTRUCTION_REQUESTS", "30"))
    workdir = Path(tempfile.mkdtemp(prefix="classroom-instructions-"))
    try:
        env = _env(workdir)
        for command in (
            ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            ["-m", "bench.steps", "migrate", str(workdir / "migrate.json")],
            ["-m", "bench.steps", "seed-one", str(workdir / "seed.json")],
        ):
            subprocess.run(  # noqa: S603 — our own interpreter and commands
                [sys.executable, *command], cwd=BASE_DIR, env=env, check=True
            )
        results = {}
        for kind in KINDS:
            base, loaded = _count(env, kind, 0), _count(env, kind, requests)
            results[kind] = round((loaded - base) / requests)
            print(f"{kind:<10} {results[kind] / 1e6:6.2f} million instructions per request")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    ).stdout.strip()
    output = Path(os.getenv("BENCH_INSTRUCTIONS_OUTPUT", BASE_DIR / "bench" / "instructions.json"))
    output.write_text(
        json.dumps({"git_commit": commit, "requests": requests, "per_request": results}, indent=2)
        + "\n"
    )
    print(f"wrote {output}")
    return 0


# --- The child: one kind of request, called through the WSGI handler --------------------------


def child(kind: str, requests: int) -> None:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import reverse

    from bench.seed import create_sessions
    from classroom.models import Assignment, Submission

    assignment = Assignment.objects.filter(prompts__isnull=False).order_by("-due_at").first()
    work = Submission.objects.filter(assignment=assignment, state="draft").first()
    student = work.student if work else assignment.classroom.enrollments.first().student
    key = create_sessions([student.pk])[student.pk]
    prompt = assignment.prompts.order_by("position").first()
    answer = work.responses.filter(prompt=prompt).first() if work else None
    app, csrf, state = WSGIHandler(), "c" * 32, {"revision": answer.revision if answer else 0}

    def call(method, path, body=b"", content_type=""):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "HTTP_COOKIE": f"sessionid={key}; csrftoken={csrf}",
            "HTTP_X_CSRFTOKEN": csrf,
            "HTTP_ACCEPT": "text/html",
            "REMOTE_ADDR": "127.0.0.1",
        }
        status = []
        body = b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
        if not status[0].startswith("200"):
            raise RuntimeError(f"{method} {path}: {status[0]}")
        return body

    def autosave(n):
        text = f"Draft number {n}: China supports North Korea for stability. " * 6
        payload = {"prompt": prompt.pk, "text": text, "revision": state["revision"]}
        body = call("POST", autosave_url, json.dumps(payload).encode(), "application/json")
        state["revision"] = json.loads(body)["revision"]

    autosave_url = reverse("classroom:autosave", args=[assignment.pk])
    workspace_url = reverse("classroom:workspace", args=[assignment.pk])
    dashboard_url = reverse("classroom:student-dashboard")
    run = {
        "autosave": autosave,
        "workspace": lambda n: call("GET", workspace_url),
        "dashboard": lambda n: call("GET", dashboard_url),
    }[kind]
    for n in range(WARMUP + requests):
        run(n)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
