# The knowledge map, served by gunicorn with gunicorn.conf.py, as a non-root user.
# The same image runs the job worker that sends the mails: `python manage.py db_worker --no-reload`
# (compose.yaml's worker service). Migrations are a release step, run with this image before the new web
# containers start:
#   docker run --rm --env-file .env IMAGE sh -c "python manage.py migrate --noinput"
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: the exact versions of the lock. Build with
# --build-arg REQUIREMENTS=s3 for uploads in an S3-compatible bucket.
ARG REQUIREMENTS=base
# libcairo2: the map's pictures are rendered to PNG with cairosvg.
RUN apt-get update && apt-get install -y --no-install-recommends libcairo2 && rm -rf /var/lib/apt/lists/*
COPY requirements/ requirements/
RUN pip install -r requirements/${REQUIREMENTS}.txt

COPY . .

# Static files are collected at build time with throwaway settings; nothing secret is baked in. They stay
# owned by root: the running site can read them but not change them.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0

# The site runs as an unprivileged user that can write uploads (MEDIA_ROOT) and nothing else.
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent knowledgemap \
    && mkdir -p /app/media && chown knowledgemap /app/media
ENV MEDIA_ROOT=/app/media
USER knowledgemap

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "knowledgemap.wsgi"]
