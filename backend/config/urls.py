from django.contrib import admin
from django.urls import path, re_path

from accounts import views as session
from api.health import healthz, readyz
from api.views import graphql_view
from api.webapp import asset, index
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
    path("assets/<path:path>", asset, name="webapp-asset"),
    # the web app routes in the browser: every other page gets its index.html
    path("", index, name="webapp"),
    re_path(r"^(?!graphql|admin|auth|assets|healthz|readyz|exports/)(?P<path>.*)$", index),
]
