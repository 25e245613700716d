# The portal's image: web (gunicorn), worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (Pango, fast HarfBuzz subsetting), fonts with Arabic, pg_dump for backups, poppler's pdftotext
# and ICU for the leak guard.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-dejavu-core postgresql-client poppler-utils libicu72 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# PyICU has no wheel: it builds against ICU's headers, which leave the image with the compiler afterwards.
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ pkg-config libicu-dev \
 && pip install -r requirements.txt \
 && apt-get purge -y --auto-remove g++ pkg-config libicu-dev \
 && rm -rf /var/lib/apt/lists/*

COPY . .
# Build steps run in production mode with throwaway values: development mode would generate the secret
# key, the encryption keys and the HMAC key into var/ and bake them into every container.
RUN export DJANGO_ENV=production ALLOWED_HOSTS=build SECRET_KEY=build-only HMAC_KEY=build-only \
      FIELD_ENCRYPTION_KEY=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
      BACKUP_ENCRYPTION_KEY=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
 && python manage.py compiletranslations \
 && python manage.py collectstatic --noinput \
 && test -z "$(find /app/var -type f 2>/dev/null)" \
 && useradd --create-home --uid 1000 portal && mkdir -p /app/var && chown -R portal /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
