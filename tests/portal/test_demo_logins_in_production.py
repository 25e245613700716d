"""Demo logins never reach production: `seed_demo` refuses to run there, and `check --deploy` fails while
any account it creates is in the database."""

from __future__ import annotations

import pytest

from tests.portal.test_production import manage, production_env

pytestmark = pytest.mark.slow


def test_seed_demo_is_refused_in_production_with_the_setting_named_and_creates_nobody(tmp_path):
    env = production_env(tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0
    result = manage(env, "seed_demo")
    assert result.returncode != 0
    assert "DJANGO_ENV=production" in result.stderr
    count = manage(env, "shell", "-c", "from merchants.models import User; print(User.objects.count())")
    assert count.stdout.strip().splitlines()[-1] == "0", count.stderr


def test_check_deploy_fails_while_a_demo_staff_account_exists_and_passes_once_it_is_gone(tmp_path):
    env = production_env(tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0
    create = "from merchants.models import User; User.objects.create_user(email='admin@staff.demo', password='x')"
    assert manage(env, "shell", "-c", create).returncode == 0

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "admin@staff.demo" in result.stderr

    remove = "from merchants.models import User; User.objects.filter(email='admin@staff.demo').delete()"
    assert manage(env, "shell", "-c", remove).returncode == 0
    assert manage(env, "check", "--deploy", "--fail-level", "WARNING").returncode == 0


@pytest.mark.django_db
def test_the_check_names_demo_accounts_of_the_development_seed(django_user_model):
    from portal.checks import no_demo_accounts

    assert no_demo_accounts() == []
    django_user_model.objects.create_user(email="owner@sa.demo", password="x")
    django_user_model.objects.create_user(email="buyer@shop.example", password="x")
    [error] = no_demo_accounts()
    assert error.id == "portal.E001" and "owner@sa.demo" in error.msg and "shop.example" not in error.msg
