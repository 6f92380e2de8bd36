# Production image for Thrasos: web (gunicorn), Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's libraries and fonts; gettext to compile translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 \
    && useradd --system --create-home --uid 10001 thrasos

WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
# Build-time values only: nothing here connects to a database or reads a
# two-factor secret (the MFA key is a throw-away one, kept nowhere).
RUN DJANGO_SECRET_KEY=build DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@build/build REDIS_URL=redis://build:6379/0 \
    EMAIL_URL=dummymail:// DJANGO_STATIC_ROOT=/app/staticfiles \
    THRASOS_MFA_KEYS="$(python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
    sh -c "python manage.py compilemessages --ignore=.venv -v 0 \
           && python manage.py collectstatic --no-input -v 0" \
    && mkdir -p /app/media /app/beat && chown thrasos /app/media /app/beat

USER thrasos
EXPOSE 8000
# gunicorn's worker count: 2 x cores + 1 (5 for the 2 cores the README sizes
# for); set WEB_CONCURRENCY in the compose environment for another machine.
ENV WEB_CONCURRENCY=5
CMD ["gunicorn", "thrasos.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
