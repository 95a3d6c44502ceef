# The knowledge map, served by gunicorn. Migrations are a release step: `python manage.py migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected at build time with throwaway settings; nothing secret is baked in.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home /app knowledgemap \
    && mkdir -p /app/media && chown knowledgemap /app/media
USER knowledgemap

EXPOSE 8000
CMD ["gunicorn", "knowledgemap.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
