from django.contrib import admin
from django.urls import path, re_path

from accounts import views as session
from api.health import healthz, readyz
from api.views import graphql_view
from api.webapp import app_routes, index, route_regex
from exports.views import download as export_download

handler500 = "api.edge.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", graphql_view, name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("exports/<uuid:job_id>/download", export_download, name="export-download"),
    path("auth/session", session.session, name="session"),
    path("auth/login", session.login, name="login"),
    path("auth/logout", session.logout, name="logout"),
    # The web app's own routes (frontend/src/routes.json) get its index.html; its files are
    # WhiteNoise's (api/staticfiles.py); every other path is a 404.
    path("", index, name="webapp"),
    *(re_path(route_regex(p), index, name=f"webapp-{n}") for n, p in app_routes().items()),
]
