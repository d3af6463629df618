import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from api.persisted import install_reload_on_sighup  # noqa: E402 - needs the apps loaded

install_reload_on_sighup()  # `kill -HUP <pid>` reloads the trusted-documents manifest
