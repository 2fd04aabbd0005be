"""The suite's shared world: the database switch and the named personas every test reuses.

Database: SQLite in memory by default. With ``KOLBRIDGE_TEST_DB=postgres`` the same suite runs
against a real PostgreSQL server that pytest-postgresql starts for the session (through
``tests/postgres_pg_ctl.sh``, which runs ``pg_ctl`` as the ``postgres`` user when the tests run as
root). Missing PostgreSQL binaries skip the run, or fail it when ``CI=true``.

Personas (built per test with the services, the way the product builds them):

- ``msl_a`` — MSL in territory NE, reports to ``lead``; ``msl_b`` — MSL in territory SE.
- ``lead`` — medical lead, manager of ``msl_a`` only, no territory of their own.
- ``reviewer``, ``pv`` (pv_officer), ``pm`` (product_manager), ``rep`` (sales_rep), ``admin``.
- ``outsider`` — a client that is not signed in.
- ``kol_a`` in NE and ``kol_b`` in SE, each with journey history and one open question.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.utils import PASSWORD

TESTS_DIR = Path(__file__).resolve().parent
PG_CTL_WRAPPER = TESTS_DIR / "postgres_pg_ctl.sh"


def _pg_bindir() -> Path:
    """PostgreSQL 15's server binaries (Debian 12), else the newest installed version's."""
    if os.environ.get("KOLBRIDGE_PG_BINDIR"):
        return Path(os.environ["KOLBRIDGE_PG_BINDIR"])
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "pg_ctl").exists():
        return preferred
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else preferred


PG_BINDIR = _pg_bindir()



def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _test_db() -> str:
    value = os.environ.get("KOLBRIDGE_TEST_DB", "sqlite").strip().lower()
    return {"postgresql": "postgres", "pg": "postgres", "": "sqlite"}.get(value, value)


TEST_DB = _test_db()
ON_CI = _env_true("CI")
_PG_MISSING = pytest.StashKey[str | None]()


# --------------------------------------------------------------------------------------------
# Database switch
# --------------------------------------------------------------------------------------------


def _postgres_missing(config: pytest.Config) -> str | None:
    """Why PostgreSQL cannot be started here, or None when it can."""
    exec_option = config.getoption("postgresql_exec")
    if exec_option and Path(exec_option).resolve() != PG_CTL_WRAPPER:
        # Someone gave their own pg_ctl: trust it if it exists.
        ok = os.access(exec_option, os.X_OK)
        return None if ok else f"--postgresql-exec {exec_option} is not an executable file"
    for binary in ("pg_ctl", "initdb", "postgres"):
        if not os.access(PG_BINDIR / binary, os.X_OK):
            return (
                f"PostgreSQL server binaries not found: {PG_BINDIR / binary} is missing "
                "(apt-get install postgresql, or set KOLBRIDGE_PG_BINDIR)"
            )
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            return "running as root needs setpriv (util-linux) to start PostgreSQL as postgres"
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root needs a 'postgres' system user to start PostgreSQL"
    return None


def _switch_default_database_to_postgres() -> None:
    """Name the PostgreSQL engine from the start, before any connection object exists.

    The server's host and port are known only once ``postgresql_proc`` has started it; they are
    filled in by ``django_db_modify_db_settings``. The dict is changed in place because Django's
    connection handler holds this very dict. Doing it here, not in the session fixture, matters
    for ``live_server``: it may be set up before the database and looks at the engine.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    db.update(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "kolbridge",
            "USER": "postgres",
            "PASSWORD": "",
            # Nothing listens on port 1: a connection made before the server is up fails loudly.
            "HOST": "127.0.0.1",
            "PORT": "1",
            "CONN_MAX_AGE": 0,
            "OPTIONS": {},
        }
    )
    db.setdefault("TEST", {})["NAME"] = None
    # django.setup() already made a (never connected) SQLite wrapper while building models;
    # drop it so the next use builds a PostgreSQL one from the settings above.
    from django.db import connections

    if hasattr(connections._connections, "default"):
        connections["default"].close()
        del connections["default"]


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns that STATIC_ROOT does not exist until `collectstatic` runs; tests serve
    # static files through the finders instead.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    if TEST_DB not in {"sqlite", "postgres"}:
        raise pytest.UsageError(
            f"KOLBRIDGE_TEST_DB={os.environ['KOLBRIDGE_TEST_DB']!r}: use 'sqlite' or 'postgres'."
        )
    if TEST_DB != "postgres":
        return
    if not config.getoption("postgresql_exec"):
        config.option.postgresql_exec = str(PG_CTL_WRAPPER)
    os.environ["KOLBRIDGE_PG_BINDIR"] = str(PG_BINDIR)  # read by the wrapper
    if not config.getoption("postgresql_postgres_options"):
        # A throw-away server: durability buys nothing here and costs seconds.
        config.option.postgresql_postgres_options = (
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
    if not os.access(PG_CTL_WRAPPER, os.X_OK):
        PG_CTL_WRAPPER.chmod(PG_CTL_WRAPPER.stat().st_mode | 0o111)
    missing = _postgres_missing(config)
    config.stash[_PG_MISSING] = missing
    if missing and ON_CI:
        raise pytest.UsageError(f"KOLBRIDGE_TEST_DB=postgres on CI, but {missing}.")
    _switch_default_database_to_postgres()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = config.stash.get(_PG_MISSING, None)
    if missing:
        marker = pytest.mark.skip(reason=f"KOLBRIDGE_TEST_DB=postgres, but {missing}")
        for item in items:
            item.add_marker(marker)


def pytest_report_header(config: pytest.Config) -> str:
    where = "PostgreSQL (started by pytest-postgresql)" if TEST_DB == "postgres" else "SQLite"
    return f"kolbridge test database: {where}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request: pytest.FixtureRequest, django_db_modify_db_settings_parallel_suffix: None
) -> None:
    """Point Django at the PostgreSQL server of ``postgresql_proc`` (only when asked for, so the
    default SQLite run never starts PostgreSQL)."""
    if TEST_DB != "postgres":
        return
    from django.conf import settings
    from django.db import connections

    proc = request.getfixturevalue("postgresql_proc")
    settings.DATABASES["default"].update(
        {
            "HOST": proc.host,
            "PORT": str(proc.port),
            "USER": proc.user,
            "PASSWORD": proc.password or "",
            "NAME": proc.dbname,
        }
    )
    connections.close_all()


# --------------------------------------------------------------------------------------------
# Reference data and personas
# --------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """Territories, therapeutic areas and a product with approved and unapproved uses."""

    ne: object
    se: object
    onc: object
    card: object
    imm: object
    product: object
    approved_indication: object
    unapproved_indication: object


@pytest.fixture
def ref(db: None) -> Reference:
    from kolbridge.core.models import Indication, Product, Territory, TherapeuticArea

    ne = Territory.objects.create(code="NE", name="North-East", region="US East")
    se = Territory.objects.create(code="SE", name="South-East", region="US East")
    onc = TherapeuticArea.objects.create(code="ONC", name="Oncology")
    card = TherapeuticArea.objects.create(code="CARD", name="Cardiology")
    imm = TherapeuticArea.objects.create(code="IMM", name="Immunology")
    product = Product.objects.create(
        name="Zentorix", generic_name="zentorimab", therapeutic_area=onc
    )
    approved = Indication.objects.create(
        product=product, name="Metastatic NSCLC, second line", approved=True
    )
    unapproved = Indication.objects.create(
        product=product, name="Early-stage NSCLC, adjuvant", approved=False
    )
    return Reference(ne, se, onc, card, imm, product, approved, unapproved)


def _user(username: str, role: str, territory: str | None = None, manager=None, **extra):
    from kolbridge.core.services import user_add

    return user_add(
        actor=None,
        username=username,
        role=role,
        password=PASSWORD,
        territory_code=territory,
        manager=manager,
        first_name=extra.pop("first_name", username.replace("_", " ").title()),
        last_name=extra.pop("last_name", "Tester"),
        check_password_strength=False,
        **extra,
    )


@pytest.fixture
def lead(ref: Reference):
    return _user("lead", "medical_lead")


@pytest.fixture
def msl_a(ref: Reference, lead):
    return _user("msl_a", "msl", territory="NE", manager=lead)


@pytest.fixture
def msl_b(ref: Reference):
    return _user("msl_b", "msl", territory="SE")


@pytest.fixture
def reviewer(ref: Reference):
    return _user("reviewer", "reviewer")


@pytest.fixture
def pv(ref: Reference):
    return _user("pv", "pv_officer")


@pytest.fixture
def pm(ref: Reference):
    return _user("pm", "product_manager")


@pytest.fixture
def rep(ref: Reference):
    return _user("rep", "sales_rep", territory="NE")


@pytest.fixture
def admin(ref: Reference):
    return _user("admin", "admin")


@pytest.fixture
def superuser(ref: Reference):
    """An administrator who may enter the Django admin (staff and superuser)."""
    from kolbridge.core.models import User

    user = _user("root_admin", "admin")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def personas(msl_a, msl_b, lead, reviewer, pv, pm, rep, admin) -> dict[str, object]:
    """Every signed-in persona by role, for tests that walk all roles."""
    return {
        "msl": msl_a,
        "medical_lead": lead,
        "reviewer": reviewer,
        "pv_officer": pv,
        "product_manager": pm,
        "sales_rep": rep,
        "admin": admin,
    }


def _kol_with_history(actor, *, first: str, last: str, territory: str, npi: str, question: str):
    from kolbridge.kols import services

    now = timezone.now()
    kol = services.kol_create(
        actor=actor,
        title="Dr",
        first_name=first,
        last_name=last,
        specialty="Medical oncology",
        institution=f"{territory} University Hospital",
        city="Boston" if territory == "NE" else "Atlanta",
        country="us",
        territory_code=territory,
        tier=1,
        therapeutic_area_codes=["ONC"],
        external_ids={"npi": npi},
    )
    services.kol_stage_record(
        actor=actor, kol=kol, stage="aware", at=now - timedelta(days=400), note="Congress booth"
    )
    services.kol_stage_record(actor=actor, kol=kol, stage="exploring", at=now - timedelta(days=90))
    services.kol_knowledge_record(
        actor=actor, kol=kol, level=3, therapeutic_area_code="ONC", at=now - timedelta(days=60)
    )
    services.kol_channel_preferences_record(
        actor=actor,
        kol=kol,
        channels=["in_person", "video"],
        email_consent=False,
        preferred_times="Tuesday mornings",
        at=now - timedelta(days=30),
    )
    services.kol_question_add(
        actor=actor,
        kol=kol,
        text=question,
        therapeutic_area_code="ONC",
        asked_at=now - timedelta(days=10),
    )
    kol.refresh_from_db()
    return kol


@pytest.fixture
def kol_a(msl_a):
    return _kol_with_history(
        msl_a,
        first="Amelia",
        last="Okafor",
        territory="NE",
        npi="1234567893",
        question="Is there data on zentorimab dosing in renal impairment?",
    )


@pytest.fixture
def kol_b(msl_b):
    return _kol_with_history(
        msl_b,
        first="Benjamin",
        last="Varga",
        territory="SE",
        npi="1245319599",
        question="What is the hepatotoxicity signal in the phase III extension?",
    )


# --------------------------------------------------------------------------------------------
# HTTP clients
# --------------------------------------------------------------------------------------------


@pytest.fixture
def outsider() -> Client:
    """Someone who is not signed in."""
    return Client()


@pytest.fixture
def session_client() -> Callable[..., Client]:
    """A browser-like client signed in as the given user (session cookie)."""

    def make(user, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client() -> Callable[..., Client]:
    """An integration client sending ``Authorization: Bearer <token>`` for the given user."""
    from kolbridge.core.services import token_create

    def make(user, *, enforce_csrf_checks: bool = True) -> Client:
        raw = token_create(actor=None, username=user.username, name="tests")
        return Client(
            enforce_csrf_checks=enforce_csrf_checks, headers={"Authorization": f"Bearer {raw}"}
        )

    return make


@pytest.fixture
def as_user(session_client) -> Callable[..., Client]:
    """Shorthand used by most API tests: a session client for a persona."""
    return session_client


# --------------------------------------------------------------------------------------------
# Audit helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture
def audit_mark() -> Callable[[], Callable[[], list]]:
    """``since = audit_mark()`` remembers where the audit trail ends now; ``since()`` then
    lists the entries written after that point, oldest first."""
    from kolbridge.core.models import AuditEntry

    def mark() -> Callable[[], list]:
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        start = last or 0

        def since():
            return list(AuditEntry.objects.filter(sequence__gt=start).order_by("sequence"))

        return since

    return mark
