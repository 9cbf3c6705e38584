"""Create the test database on a PostgreSQL server if it is missing.

Usage: ensure_test_database.py postgresql://user:pw@host:port/dbname
Exit status 0 when the database is ready, 1 when the server does not answer.
"""
import sys
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def main(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        print(f"PostgreSQL: {error}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
