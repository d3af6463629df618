# The API image, also the Celery worker's (docker-compose.yml: api, worker).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (a layer that changes only with pyproject.toml): exactly the pins of
# [project].dependencies, as `make install` reads them, without the dev extras.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY backend/ backend/
COPY graphql_schema/ graphql_schema/
COPY deploy/serve.py deploy/serve.py
# The web app's trusted-documents manifest (PERSISTED_DOCUMENTS' default): the app sends
# only hashes, so the api must know them.
COPY frontend/src/gql/persisted-documents.json frontend/src/gql/
# The web app's routes (api/webapp.py): known to the api when it serves the app itself.
COPY frontend/src/routes.json frontend/src/

# Static files (the admin's, GraphiQL's vendored build): hashed and gzipped into STATIC_ROOT,
# served by WhiteNoise in this image (api/staticfiles.py) and by nginx from the `static`
# volume.
RUN DEBUG=true python backend/manage.py collectstatic --no-input -v 0

RUN useradd --system --uid 10001 --home-dir /app capgraph \
    && mkdir -p /data/exports && chown capgraph /data/exports
USER capgraph

EXPOSE 8000
# docker-compose.yml names the command (deploy/stack.py's api_command, tested equal).
CMD ["python", "deploy/serve.py", "--app-dir", "backend", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--lifespan", "off", "--no-access-log", "--timeout-keep-alive", "75", "--no-proxy-headers"]
