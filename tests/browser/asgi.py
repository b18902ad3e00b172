"""The project's ASGI application (HTTP and WebSockets) plus static files, as `runserver` serves
them: what the browser tests run in a real daphne process."""
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from iepteam.asgi import application as project_application

application = ASGIStaticFilesHandler(project_application)
