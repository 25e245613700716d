"""Staff roles follow the table of portal/roles.py; the admin role holds everything but the reserved permissions."""

import pytest
from django.contrib.auth.models import Group, Permission

from portal.roles import RESERVED, sync_roles

pytestmark = pytest.mark.django_db


def test_the_admin_role_holds_every_permission_but_reading_consignees_in_full():
    sync_roles(Group, Permission)
    admin = Group.objects.get(name="admin")
    held = set(admin.permissions.values_list("content_type__app_label", "codename"))
    assert ("shipping", "view_consignee_details") not in held
    assert ("orders", "change_order") in held and ("privacy", "manage_incident") in held
    assert Permission.objects.count() - len(RESERVED) == len(held)
    fulfilment = Group.objects.get(name="fulfilment")
    assert fulfilment.permissions.filter(codename="view_consignee_details").exists()
