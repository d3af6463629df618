# The `web` service: nginx with the built web app (frontend/dist) and deploy/nginx.conf.
# Build context: the repository root (docker-compose.yml).
FROM node:22-slim AS build
WORKDIR /src
COPY codegen.yml ./
COPY graphql_schema/schema.graphql graphql_schema/
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN cd frontend && npm run build

FROM nginx:1.27-alpine
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
