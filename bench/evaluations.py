"""What the evaluations (`make eval-matching`, `make eval-search`) share: a fresh database of each kind with
the demo data, the script run again in a child process on each (settings are read once per process), and
the child's result read back.

    EVAL_DATABASES=sqlite                             # one kind only (sqlite,postgresql by default)
    EVAL_POSTGRES_URL=postgres://postgres@127.0.0.1:5432
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def run_on_each_database(script: str, name: str) -> list[dict]:
    """`script` run as a child on a fresh database of each kind named `name`; each child writes its result
    to the file EVAL_CHILD_RESULT names. The results, each with its database."""
    runs = []
    for database in env_list("EVAL_DATABASES", "sqlite,postgresql"):
        print(f"== {database}: a fresh database with the demo data ...", flush=True)
        runs.append(_run_child(script, database, _fresh_database(database, name)))
    print()
    return runs


def _fresh_database(database: str, name: str) -> str:
    if database == "sqlite":
        path = BASE_DIR / "bench" / f"{name.replace('_', '-')}.sqlite3"
        for leftover in path.parent.glob(f"{path.name}*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    if database == "postgresql":
        import psycopg

        server = os.environ.get("EVAL_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{server}/{name}"
    raise SystemExit(f"EVAL_DATABASES: unknown database {database!r} (sqlite, postgresql)")


def _run_child(script: str, database: str, database_url: str) -> dict:
    result_file = BASE_DIR / "bench" / f".{Path(script).stem}-{os.getpid()}.json"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "DJANGO_LOG_LEVEL": "ERROR",
        "EVAL_CHILD_RESULT": str(result_file),
    }
    subprocess.run([sys.executable, script], env=env, cwd=BASE_DIR, check=True)
    result = json.loads(result_file.read_text())
    result_file.unlink()
    return {"database": database, **result}
