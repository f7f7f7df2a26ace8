"""Groups of users and their rights, granted by data migrations (each app grants its own)."""
from __future__ import annotations

from django.contrib.auth.management import create_permissions

EDITORS = "Editors"


def grant(apps, group_name: str, app_label: str, rights: dict[str, list[str]]) -> None:
    """Give `group_name` exactly these rights on `app_label`'s models ({model: [action, ...]}), inside a migration."""
    codenames = {f"{action}_{model}" for model, actions in rights.items() for action in actions}
    # Permissions are normally made after all migrations run; make this app's now, so they can be granted.
    app_config = apps.get_app_config(app_label)
    stub = getattr(app_config, "models_module", None) is None  # historical app configs have none
    if stub:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    wanted = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = codenames - set(wanted.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"permissions missing for the {group_name} group: {sorted(missing)}")
    group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))
    group.permissions.add(*wanted)


def revoke(apps, group_name: str, app_label: str) -> None:
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=group_name):
        group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))
