# IOM Hub's production image (issue 13 §1, docs/operations.md "Serving in production").
# NOT BUILT OR TESTED here: the development machines and CI have no Docker daemon. The tested
# equivalent is scripts/smoke_production.sh (make smoke-production).
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -c constraints.txt .

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent iomhub
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    IOMHUB_ENV=production \
    IOMHUB_BIND=0.0.0.0:8000 \
    IOMHUB_VAR_DIR=/tmp/iomhub \
    STATIC_ROOT=/static
# Hashed static files are collected into the image; the settings need values to import, not real ones.
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@127.0.0.1/build \
    IOMHUB_FIELD_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python -m iomhub collectstatic --no-input -v 0
# Runs as a user without a shell or home, and needs nothing writable but /tmp (compose mounts the
# root filesystem read-only).
USER iomhub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4)"]
CMD ["gunicorn", "-c", "python:iomhub.config.gunicorn", "iomhub.config.wsgi"]
