"""The production profile passes `check --deploy` and refuses insecure defaults."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*(-_=+)"


def _settings_env_vars():
    tree = ast.parse((ROOT / "portal" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"env", "env_bool", "env_list"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def production_env(**overrides):
    """The calling environment without any portal setting, plus a valid production profile.

    DJANGO_* variables are dropped too: tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for
    Playwright, which a deployment never has (check --deploy reports it as async.E001).
    """
    env = {
        k: v for k, v in os.environ.items() if k not in _settings_env_vars() and not k.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_ENV="production",
        SECRET_KEY="".join(secrets.choice(KEY_CHARS) for _ in range(60)),
        ALLOWED_HOSTS="portal.example.gov.cn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output


@pytest.mark.parametrize(
    "overrides",
    [
        {"SECRET_KEY": None},
        {"SECRET_KEY": ""},
        {"ALLOWED_HOSTS": None},
        {"DATABASE_URL": None},
    ],
    ids=["no-secret-key", "empty-secret-key", "no-allowed-hosts", "no-database-url"],
)
def test_production_refuses_to_start_without_required_settings(overrides):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert next(iter(overrides)) in result.stderr, result.stderr
