"""The Django admin's app config, apart from the site (iepteam/admin_site.py): INSTALLED_APPS
imports this before models load, so it must import nothing that touches them."""
from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "iepteam.admin_site.OperatorAdminSite"
