"""The production shape (docker-compose.yml, Dockerfile, .env.example) agrees with the settings.

Static checks only: no Docker engine is needed.
"""

import ast
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


def settings_env_vars():
    """Names passed as a literal first argument to env(), env_bool() or env_list() in settings.py."""
    tree = ast.parse((ROOT / "portal" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"env", "env_bool", "env_list"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def interpolate(value):
    """Stand-in for compose interpolation: ${VAR...} becomes a placeholder without URL syntax."""
    return re.sub(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}", lambda m: f"from-host-{m.group(1).lower()}", str(value)
    )


def as_dict(environment):
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return dict(environment or {})


def as_words(command):
    return command if isinstance(command, list) else shlex.split(command)


def dockerfile_cmd():
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    cmd = [line for line in lines if line.strip().upper().startswith("CMD")]
    assert cmd, "Dockerfile has no CMD"
    return json.loads(cmd[-1].strip()[3:].strip())  # exec form: a JSON array


def command_of(service):
    command = service.get("command")
    return as_words(command) if command is not None else dockerfile_cmd()


def mounts(service):
    """(source, target) pairs of the service's volumes, short or long syntax."""
    result = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            result.append((volume.get("source"), volume["target"]))
        else:
            source, target = volume.split(":")[:2]
            result.append((source, target))
    return result


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def shared_env(services):
    return as_dict(services["web"]["environment"])


def test_the_five_services_exist(services):
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    words = command_of(services["web"])
    assert words[0] == "gunicorn"
    assert "portal.wsgi:application" in words or "portal.wsgi" in words
    assert "0.0.0.0:8000" in " ".join(words)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services(services, name):
    assert " ".join(command_of(services[name])).startswith(f"celery -A portal {name}")


def test_web_worker_and_beat_share_one_environment(services, shared_env):
    for name in APP_SERVICES:
        assert as_dict(services[name]["environment"]) == shared_env, name
    assert shared_env["PORTAL_ENV"] == "production"


def test_shared_environment_points_at_the_compose_services(services, shared_env):
    database = urlsplit(interpolate(shared_env["DATABASE_URL"]))
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "db"
    broker = urlsplit(interpolate(shared_env["CELERY_BROKER_URL"]))
    assert (broker.scheme, broker.hostname) == ("redis", "redis")
    if shared_env.get("CELERY_RESULT_BACKEND"):
        assert urlsplit(interpolate(shared_env["CELERY_RESULT_BACKEND"])).hostname == "redis"

    db_env = as_dict(services["db"]["environment"])
    assert database.path.lstrip("/") == db_env["POSTGRES_DB"]
    assert database.username == db_env["POSTGRES_USER"]
    assert database.password == interpolate(db_env["POSTGRES_PASSWORD"])


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_secrets_and_hosts_come_from_the_host_and_are_required(shared_env, name):
    assert re.fullmatch(r"\$\{" + name + r":\?[^}]*\}", shared_env[name]), shared_env[name]


def test_private_files_volume_is_shared_by_web_and_worker(compose, services, shared_env):
    private_root = shared_env["PRIVATE_MEDIA_ROOT"]
    named_volumes = set(compose.get("volumes") or {})
    for name in ("web", "worker"):
        sources = [source for source, target in mounts(services[name]) if target == private_root]
        assert sources, f"{name} does not mount {private_root}"
        assert sources[0] in named_volumes, f"{name}: {sources[0]} is not a named volume"
    assert {s for s, t in mounts(services["web"]) if t == private_root} == {
        s for s, t in mounts(services["worker"]) if t == private_root
    }


@pytest.mark.parametrize("name", ["db", "redis"])
def test_backing_services_have_healthchecks(services, name):
    assert services[name].get("healthcheck", {}).get("test")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_backing_services(services, name):
    depends = services[name]["depends_on"]
    for backing in ("db", "redis"):
        assert depends[backing]["condition"] == "service_healthy", (name, backing)


def test_migrations_run_before_web(services):
    web_command = " ".join(command_of(services["web"]))
    if "migrate" in web_command:
        return
    migrate = [
        name
        for name, service in services.items()
        if "manage.py migrate" in " ".join(as_words(service.get("command") or []))
    ]
    assert migrate, "no migrate step"
    for name in APP_SERVICES:
        assert services[name]["depends_on"][migrate[0]]["condition"] == "service_completed_successfully"


def test_shared_environment_only_sets_variables_settings_read(shared_env):
    unknown = set(shared_env) - settings_env_vars()
    assert not unknown, f"not read by portal/settings.py: {sorted(unknown)}"


def test_app_services_use_the_image_built_from_the_dockerfile(services):
    images = {(services[name].get("build"), services[name].get("image")) for name in APP_SERVICES}
    assert len(images) == 1, images
    build, _image = images.pop()
    context = build if isinstance(build, str) else build["context"]
    assert (ROOT / context / "Dockerfile").is_file()


def test_dockerfile_is_consistent_with_compose(services):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.M)
    assert "ENTRYPOINT" not in dockerfile  # compose commands replace CMD as whole words
    assert dockerfile_cmd() == command_of(services["web"])
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"PORTAL_ENV=production[\s\\]+.*collectstatic", dockerfile, re.S)
    for package in (
        "fonts-noto-cjk",
        "libharfbuzz-subset0",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "gettext",
    ):
        assert package in dockerfile


def test_env_example_documents_every_setting():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))
    missing = settings_env_vars() - documented
    assert not missing, f"missing from .env.example: {sorted(missing)}"
    # As its header says: every line is commented out, so copying it to .env changes nothing.
    active = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert not active, active
