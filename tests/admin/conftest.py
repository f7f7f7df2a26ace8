"""Users with the roles the admin knows: an editor (the Editors group) and a viewer (view rights only)."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from tests import builders


@pytest.fixture(autouse=True)
def plain_http(settings):
    """With DATABASE_URL set the settings run in production mode, which redirects http to https."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("edith", password="secret-pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user("vera", password="secret-pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="events", codename__startswith="view_"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def sco():
    return builders.organisation()


@pytest.fixture
def india():
    return builders.state("india", "IND", "India")
