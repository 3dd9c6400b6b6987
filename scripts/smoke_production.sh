#!/usr/bin/env bash
# Smoke test of the production server (issue 13 §1; docs/operations.md, "Serving in production").
#
# Runs 'make serve-production' (gunicorn, IOMHUB_ENV=production) on 127.0.0.1 against a scratch PostgreSQL database
# (created and dropped here; PostgreSQL on 127.0.0.1:5432 with trust authentication, started if
# stopped) with a task worker (python -m iomhub db_worker) beside it, then checks /health, /ready, the
# sign-in page, a static file served by WhiteNoise, the production posture (plain HTTP is redirected
# to HTTPS) and that the daily scheduled job (retention --enqueue, what cron or the platform's
# scheduler runs) is taken off the PostgreSQL queue and completed by the worker, and stops both
# whatever happens.
# Talks only to 127.0.0.1. Exit status 0 means every check passed.
#
#   bash scripts/smoke_production.sh          (or: make smoke-production)
#   SMOKE_PORT=8765 SMOKE_PG=postgres://postgres@127.0.0.1:5432 bash scripts/smoke_production.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${SMOKE_PORT:-8765}"
PG="${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}"
DB="iomhub_smoke_$$"
BIN=.venv/bin
SCRATCH="$(mktemp -d)"
BASE="http://127.0.0.1:${PORT}"
SERVER_PID=""
WORKER_PID=""

cleanup() {
  if [ -n "$WORKER_PID" ]; then
    kill -TERM -- "-$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ]; then
    # make and gunicorn run in their own process group (setsid below): stop the whole group.
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAILED: $*" >&2
  for log in server worker; do [ -f "$SCRATCH/$log.log" ] && tail -n 30 "$SCRATCH/$log.log" >&2; done
  exit 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null

# The production posture, every secret supplied as an operator would (a throwaway key here).
export IOMHUB_ENV=production
export SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export IOMHUB_FIELD_KEY="$($BIN/python -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')"
export DATABASE_URL="$PG/$DB"
export ALLOWED_HOSTS=127.0.0.1
export IOMHUB_VAR_DIR="$SCRATCH/var"
export STATIC_ROOT="$SCRATCH/static"
export IOMHUB_BIND="127.0.0.1:${PORT}"
export WEB_CONCURRENCY=2
unset DEBUG IOMHUB_DEMO

# The documented way in: check --deploy, migrate, collectstatic, then gunicorn.
setsid make --no-print-directory serve-production >"$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!
# Migrating an empty database takes 20-30 s on an idle machine, minutes on a busy one.
for _ in $(seq 1 "${SMOKE_WAIT:-300}"); do
  curl -fsS -o /dev/null "$BASE/health" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "make serve-production exited"
  sleep 1
done

# Liveness and readiness answer the load balancer over plain HTTP.
curl -fsS "$BASE/health" | grep -q '"ok"' || fail "/health"
curl -fsS "$BASE/ready" | grep -q '"ready"' || fail "/ready"
# Behind the TLS proxy (which sets X-Forwarded-Proto): the sign-in page, and its stylesheet from WhiteNoise.
HTTPS=(-H "X-Forwarded-Proto: https")
PAGE="$(curl -fsS "${HTTPS[@]}" "$BASE/sign-in/")" || fail "/sign-in/"
grep -q "Sign in" <<<"$PAGE" || fail "the sign-in page does not say Sign in"
CSS="$(grep -o '/static/[^"]*\.css' <<<"$PAGE" | head -n 1)"
[ -n "$CSS" ] || fail "no stylesheet on the sign-in page"
grep -q '\.[0-9a-f]\{12\}\.css$' <<<"$CSS" || fail "static files are not hashed for caching: $CSS"
curl -fsS -o /dev/null "${HTTPS[@]}" "$BASE$CSS" || fail "static file $CSS"
# Without the proxy's header, a page is redirected to HTTPS (production, not the dev server).
CODE="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/sign-in/")"
[ "$CODE" = "301" ] || fail "plain HTTP answered $CODE, not a redirect to HTTPS"
grep -q "gunicorn" "$SCRATCH/server.log" || fail "not served by gunicorn"

# The task worker on the database queue (the production default), and the scheduled daily job.
setsid "$BIN/python" -m iomhub db_worker --queue-name '*' --interval 0.5 --no-startup-delay >"$SCRATCH/worker.log" 2>&1 &
WORKER_PID=$!
"$BIN/python" -m iomhub retention --enqueue >"$SCRATCH/enqueue.log" 2>&1 || fail "retention --enqueue: $(cat "$SCRATCH/enqueue.log")"
STATUS=""
for _ in $(seq 1 240); do
  STATUS="$(psql "$PG/$DB" -Atqc "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%retention_apply'")" || fail "cannot read the task queue"
  [ "$STATUS" = "SUCCESSFUL" ] && break
  kill -0 "$WORKER_PID" 2>/dev/null || fail "the task worker exited"
  sleep 0.5
done
[ "$STATUS" = "SUCCESSFUL" ] || fail "the worker did not complete the scheduled retention run (status: ${STATUS:-not queued})"

echo "smoke: passed (gunicorn on $BASE, PostgreSQL database $DB, /health, /ready, sign-in page, $CSS; task worker ran the scheduled retention run)"
