"""The set-up files stay complete as settings grow: compose, .env.example and settings agree."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
READ_BY_SETTINGS = re.compile(r'(?:env_str|env_bool|env_list|os\.environ\.get)\("([A-Z_]+)"')


def settings_variables() -> set[str]:
    return set(READ_BY_SETTINGS.findall((REPO / "cspi" / "settings.py").read_text()))


def test_every_variable_the_settings_read_is_explained_in_env_example():
    example = (REPO / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert settings_variables() - listed == set()


def test_compose_describes_web_worker_postgres_and_redis_wired_together():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "db", "redis"}
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert (
            environment["DATABASE_URL"].startswith("postgres://")
            and "@db:5432/" in (environment["DATABASE_URL"])
        )
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert environment["DEBUG"] == "0"
        assert set(services[name]["depends_on"]) == {"db", "redis"}
    assert "celery -A cspi worker" in services["worker"]["command"]
    assert "gunicorn cspi.wsgi" in services["web"]["command"]
    assert "FROM python:3.11" in services["web"]["build"]["dockerfile_inline"]


def test_the_image_installs_every_package_the_project_ships():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    dockerfile = compose["services"]["web"]["build"]["dockerfile_inline"]
    before_install = dockerfile.split("RUN pip install")[0]
    copied = set(re.findall(r"^COPY (\w+) \1$", before_install, flags=re.MULTILINE))
    pyproject = (REPO / "pyproject.toml").read_text()
    shipped = set(re.findall(r'"(\w+)\*"', pyproject.split("[tool.setuptools.packages.find]")[1]))
    assert shipped == {path.parent.name for path in REPO.glob("*/apps.py")} | {"api", "scoring"}
    assert shipped - copied == set()


def test_the_deployment_checklist_passes_with_production_settings(tmp_path):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "CSPI_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cspi.example.com",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "DJANGO_SETTINGS_MODULE": "cspi.settings",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
