# syntax=docker/dockerfile:1
# The NTIP image: web (gunicorn), Celery worker and Celery beat all run from it.
# docker-compose.yml is the production stack; docs/operations.md explains it.
FROM python:3.11-slim

# PYTHONPATH: the code in /app comes before site-packages, so BASE_DIR (templates,
# static, locale) is /app for gunicorn, celery and manage.py alike.
# STATIC_MANIFEST: serve the hashed, compressed files that collectstatic builds below.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    STATIC_MANIFEST=1

WORKDIR /app

# The app runs as this user, never as root. --build-constraint needs pip 25.3 or
# later: XStatic-Bootstrap builds from an sdist that needs setuptools<81
# (build-constraints.txt).
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home ntip \
    && python -m pip install --upgrade "pip>=25.3"

# Dependencies first, in their own layer, so a change to the code alone does not
# download them again. They are the ones pyproject.toml pins.
COPY pyproject.toml build-constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --build-constraint build-constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Uploaded files (the `media` volume) and the beat schedule (the `beat` volume)
# must be writable by the app user; a new named volume takes these owners.
RUN pip install --build-constraint build-constraints.txt . \
    && python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var \
    && chown ntip:ntip /app/media /app/var

# Numeric, so that runtimes which check for a non-root user can tell (10001 is ntip).
USER 10001:10001

EXPOSE 8000

# docker-compose.yml runs the deploy check and the migrations before this.
# gunicorn.conf.py (in /app, read by gunicorn itself) sets the address, the
# workers and the JSON logs; no access log beside the request log lines.
CMD ["gunicorn", "ntip.wsgi", "--config", "gunicorn.conf.py"]
