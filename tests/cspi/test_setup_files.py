"""The set-up files stay complete as settings grow: compose, .env.example and settings agree.

No container engine runs here, so docker-compose.yml is checked by reading it: every command,
file, variable and service it names must exist in the project or in compose itself."""

import importlib.util
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management import get_commands

REPO = Path(__file__).resolve().parents[2]
READ_BY_SETTINGS = re.compile(r'(?:env_str|env_bool|env_list|os\.environ\.get)\("([A-Z_]+)"')
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $$ is a literal $.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")
APP_SERVICES = {"migrate", "web", "worker", "beat"}
# Variables compose passes on that our settings do not read: gunicorn's and PostgreSQL's own.
READ_BY_OTHERS = {"WEB_CONCURRENCY", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def settings_variables() -> set[str]:
    return set(READ_BY_SETTINGS.findall((REPO / "cspi" / "settings.py").read_text()))


def compose_file() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def env_example() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))


def interpolate(value: str, env: dict[str, str]) -> str:
    """What compose makes of a value, given the variables of .env."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        given = env.get(name)
        if operator in (":-", "-") and (given is None or (operator == ":-" and not given)):
            return argument
        if operator in (":?", "?") and (given is None or (operator == ":?" and not given)):
            raise AssertionError(f"compose would stop: {argument}")
        return given or ""

    return INTERPOLATION.sub(one, value).replace("$$", "$")


def container_environment(service: str) -> dict[str, str]:
    """A container's variables with .env made from .env.example: env_file, then environment."""
    example = env_example()
    declared = compose_file()["services"][service].get("environment", {})
    return {**example, **{key: interpolate(str(value), example) for key, value in declared.items()}}


def test_every_variable_the_settings_read_is_explained_in_env_example():
    example = (REPO / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert settings_variables() - listed == set()


def test_compose_runs_migrate_then_scalable_web_and_workers_and_one_beat():
    services = compose_file()["services"]
    assert set(services) == APP_SERVICES | {"proxy", "db", "redis", "mailpit"}
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert re.fullmatch(
            r"postgres://cspi:\$\{[^}]+\}@db:5432/cspi", environment["DATABASE_URL"]
        )
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert environment["CACHE_URL"] == "redis://redis:6379/1"
        assert environment["DEBUG"] == "0"
        # Every setting of .env reaches the container, and .env may be missing.
        assert services[name]["env_file"] == [{"path": ".env", "required": False}]
    # migrate runs once, to the end, before the processes that need the schema start.
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    # Scaling out: no fixed name or host port on web and worker; the proxy publishes the port.
    for name in ("web", "worker"):
        assert "container_name" not in services[name] and "ports" not in services[name]
    assert services["proxy"]["ports"] == ["8000:8000"]
    caddyfile = compose_file()["configs"]["caddyfile"]["content"]
    assert "dynamic a web 8000" in caddyfile and "respond /health/ready 404" in caddyfile
    assert services["web"]["command"].startswith("gunicorn cspi.wsgi --bind 0.0.0.0:8000")
    # The worker no longer carries the scheduler: beat is its own single service.
    assert services["worker"]["command"].startswith("celery -A cspi worker")
    assert "--beat" not in services["worker"]["command"]
    assert services["beat"]["command"].startswith("celery -A cspi beat")
    assert "--schedule /app/var/" in services["beat"]["command"]
    for name, service in services.items():
        assert name == "migrate" or "test" in service["healthcheck"], name


def test_with_env_example_as_env_the_containers_reach_each_other_and_mail_goes_to_mailpit(
    tmp_path,
):
    # Given .env copied from .env.example, the settings a web container ends up with:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in settings_variables()},
        **container_environment("web"),
        "CSPI_VAR_DIR": str(tmp_path),
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; db = s.DATABASES['default']; print(*["
            "db['HOST'], db['NAME'], s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], "
            "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.TRUSTED_PROXY_COUNT, s.DEBUG, "
            "s.MEDIA_ROOT, s.ALLOWED_HOSTS], sep='\\n')",
        ],
        cwd=REPO,
        env={**environment, "DJANGO_SETTINGS_MODULE": "cspi.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "db",
        "cspi",
        "redis://redis:6379/0",
        "redis://redis:6379/1",
        "django.core.mail.backends.smtp.EmailBackend",
        "mailpit",
        "1025",
        "1",
        "False",
        "/app/var/media",
        "['localhost', '127.0.0.1']",
    ]
    assert container_environment("web")["SECRET_KEY"] == env_example()["SECRET_KEY"]


def test_every_variable_compose_names_is_read_by_the_settings_or_by_compose_itself():
    text = (REPO / "docker-compose.yml").read_text()
    interpolated = {name for name, _, _ in INTERPOLATION.findall(text)}
    assert interpolated, "the pattern finds compose's ${…}"
    known = settings_variables() | READ_BY_OTHERS
    assert interpolated - known == set()
    assert interpolated - set(env_example()) == set(), "each is explained in .env.example"
    for name, service in compose_file()["services"].items():
        assert set(service.get("environment", {})) - known == set(), name


def _segments(command: str) -> list[list[str]]:
    """A command, or the `sh -c "a && b"` it wraps, as the argument lists it runs."""
    words = shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in words[2].split("&&")]
    return [words]


def _healthcheck_commands(service: dict[str, Any]) -> list[list[str]]:
    test = service.get("healthcheck", {}).get("test", [])
    if test[:1] == ["CMD"]:
        return [test[1:]]
    if test[:1] == ["CMD-SHELL"]:
        return [shlex.split(test[1].replace("$$", "$"))]
    return []


def _check_app_command(words: list[str], dockerfile: str) -> None:
    program, *arguments = words
    if program == "python" and arguments[0] == "manage.py":
        assert arguments[1] in get_commands(), f"manage.py has no command {arguments[1]}"
    elif program == "python" and arguments[0] == "-c":
        compile(arguments[1], "<healthcheck>", "exec")
    elif program == "celery":
        assert arguments[:2] == ["-A", "cspi"] and arguments[2] in {"worker", "beat", "inspect"}
        from cspi.celery import app

        assert app.main == "cspi"
    elif program == "gunicorn":
        assert importlib.util.find_spec(arguments[0]) is not None, arguments[0]
    else:
        raise AssertionError(f"unknown program {program}")
    for word in arguments:
        for path in re.findall(r"(?<![\w/])(?:/app/)?(?:fixtures|var)/[\w./*-]+", word):
            _check_path(path, dockerfile)


def _check_path(path: str, dockerfile: str) -> None:
    relative = path.removeprefix("/app/")
    if relative.startswith("var/"):
        # var/ stays out of the image: the image makes it, owned by the app's user.
        assert "mkdir -p /app/var" in dockerfile and "chown -R cspi:cspi /app/var" in dockerfile
    else:
        assert list(REPO.glob(relative)), f"{path} is not in the repository"


def test_every_command_and_healthcheck_names_what_exists():
    compose = compose_file()
    dockerfile = compose["services"]["web"]["build"]["dockerfile_inline"]
    for name in sorted(APP_SERVICES):
        service = compose["services"][name]
        for words in _segments(service["command"]) + _healthcheck_commands(service):
            _check_app_command(words, dockerfile)
    # The executables the app images run come from the project's own dependencies.
    bin_folder = Path(sys.executable).parent
    assert (bin_folder / "gunicorn").exists() and (bin_folder / "celery").exists()
    programs = {
        name: _healthcheck_commands(s)[0][0]
        for name, s in compose["services"].items()
        if name not in APP_SERVICES
    }
    assert programs == {
        "proxy": "wget",
        "db": "pg_isready",
        "redis": "redis-cli",
        "mailpit": "/mailpit",
    }
    assert "/health/ready" in compose["services"]["web"]["healthcheck"]["test"][-1]
    assert "/health/live" in compose["services"]["proxy"]["healthcheck"]["test"][-1]


def _docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore line as Docker reads it: from the context's root, `*` within one folder,
    `**` across folders."""
    regex, rest = "", pattern.strip("/")
    while rest:
        if rest.startswith("**/"):
            regex, rest = regex + "(?:.*/)?", rest[3:]
        elif rest.startswith("**"):
            regex, rest = regex + ".*", rest[2:]
        elif rest[0] in "*?":
            regex, rest = regex + ("[^/]*" if rest[0] == "*" else "[^/]"), rest[1:]
        else:
            regex, rest = regex + re.escape(rest[0]), rest[1:]
    return re.compile(regex + r"\Z")


def _docker_ignores(path: str, patterns: list[str]) -> bool:
    """The last pattern matching the path or a folder above it decides; `!` keeps."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        matcher = _docker_pattern(pattern.removeprefix("!"))
        if any(matcher.match(candidate) for candidate in candidates):
            ignored = not pattern.startswith("!")
    return ignored


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    lines = (REPO / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (
        ".env",
        ".git/config",
        "var/secret_key",
        "var/cspi.sqlite3",
        "var/media/reports/1.pdf",
        ".venv/bin/python",
        "cspi.sqlite3",
        "responses/__pycache__/models.cpython-311.pyc",
        ".pytest_cache/README.md",
        "node_modules/x/index.js",
    ):
        assert _docker_ignores(path, patterns), path
    for path in ("cspi/settings.py", "fixtures/cspi-v1.yaml", "manage.py", "pyproject.toml"):
        assert not _docker_ignores(path, patterns), path


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
