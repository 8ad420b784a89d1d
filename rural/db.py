"""Database schema (SQLAlchemy 2 declarative) and engine.

Money is stored exactly as integer 分 (``*_fen``); quantities with decimals as integer
hundredths (``value_c``). Names and ID numbers are never stored: a household is known by its
户编号 or by a keyed hash of the head's ID number.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint, create_engine, event, func, inspect, select, text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rural.settings import DEFAULT_DB, get_settings

BATCH_ACTIVE, BATCH_SUPERSEDED, BATCH_UNDONE = "active", "superseded", "undone"


class Base(DeclarativeBase):
    pass


class LoadBatch(Base):
    """One sheet of one loaded file: provenance and status."""

    __tablename__ = "load_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    sheet: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(7))
    county: Mapped[str] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(50))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_loaded: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default=BATCH_ACTIVE)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("load_batch.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[str] = mapped_column(Text, default="")   # JSON: how every row read was accounted for
    # what of its kind the batch speaks for, when one kind comes in several sheets that do not replace each
    # other: the indicators of a 指标数据 sheet (see etl.load.subject_of); "" for every other kind
    subject: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (
        Index("ix_batch_kind_period", "kind", "status", "period"),
        # At most one active batch per kind, period, county, scope and subject, whatever the code does: a second
        # active one (two corrected copies loaded at once) is refused by the database itself.
        Index("uq_batch_active", "kind", "period", "county", "scope", "subject", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )


class SchemaInfo(Base):
    """The schema version the database was created with (see ``SCHEMA_VERSION``)."""

    __tablename__ = "schema_info"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class Township(Base):
    __tablename__ = "township"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(50))
    lon: Mapped[float | None]
    lat: Mapped[float | None]
    coord_note: Mapped[str] = mapped_column(String(50), default="")
    # reference: data/reference/townships.csv; roster: a monitoring roster's rows; rows: another file's rows
    source: Mapped[str] = mapped_column(String(10), default="reference")
    __table_args__ = (UniqueConstraint("county", "name"),)


class Village(Base):
    __tablename__ = "village"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    name: Mapped[str] = mapped_column(String(80))
    __table_args__ = (UniqueConstraint("township_id", "name"),)


class _Fact:
    """Columns every fact row has: its batch and its source cell reference."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("load_batch.id"))
    src_sheet: Mapped[str] = mapped_column(String(100))
    src_row: Mapped[int] = mapped_column(Integer)


class MonitoredHousehold(_Fact, Base):
    __tablename__ = "monitored_household"
    household_key: Mapped[str] = mapped_column(String(64))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    category: Mapped[str] = mapped_column(String(20))
    risk_type: Mapped[str | None] = mapped_column(String(20))   # the main (first) risk; older exports have none
    people: Mapped[int] = mapped_column(Integer)
    identified_on: Mapped[date] = mapped_column(Date)
    eliminated: Mapped[bool] = mapped_column(Boolean)
    eliminated_on: Mapped[date | None] = mapped_column(Date)
    per_capita_income_fen: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        Index("ix_mh_cover", "batch_id", "township_id", "category", "eliminated", "people"),
        Index("ix_mh_identified", "batch_id", "identified_on", "people"),
    )


class HouseholdRisk(_Fact, Base):
    """Every risk of a monitored household (致贫/返贫风险1…5) when its roster has several risk columns;
    ordinal 1 is its main risk (also ``monitored_household.risk_type``, which alone holds it otherwise)."""

    __tablename__ = "household_risk"
    household_key: Mapped[str] = mapped_column(String(64))
    ordinal: Mapped[int] = mapped_column(Integer)
    risk_type: Mapped[str] = mapped_column(String(20))
    __table_args__ = (Index("ix_risk_batch", "batch_id", "risk_type"),)


class IncomeRecord(_Fact, Base):
    __tablename__ = "income_record"
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    household_key: Mapped[str | None] = mapped_column(String(64))
    households: Mapped[int] = mapped_column(Integer, default=1)
    people: Mapped[int] = mapped_column(Integer)
    per_capita_fen: Mapped[int] = mapped_column(BigInteger)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_income_cover", "batch_id", "township_id", "per_capita_fen", "people", "total_fen"),)


class EmploymentResult(_Fact, Base):
    __tablename__ = "employment_result"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    indicator: Mapped[str] = mapped_column(String(50))
    target: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_emp_batch", "batch_id", "indicator"),)


class WelfarePost(_Fact, Base):
    __tablename__ = "welfare_post"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    posts: Mapped[int] = mapped_column(Integer)
    post_subsidy_fen: Mapped[int] = mapped_column(BigInteger)
    insurance_subsidy_fen: Mapped[int] = mapped_column(BigInteger)


class AssistancePayment(_Fact, Base):
    __tablename__ = "assistance_payment"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    type: Mapped[str] = mapped_column(String(30))
    person_times: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_assist_batch", "batch_id", "type"),)


class PlatformCase(_Fact, Base):
    __tablename__ = "platform_case"
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    case_no: Mapped[str] = mapped_column(String(64))
    matter: Mapped[str] = mapped_column(String(100), default="")
    received_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)   # closed by the export (a date, or the status only)
    __table_args__ = (Index("ix_case_batch", "batch_id", "received_on", "closed_on"),)


class Project(_Fact, Base):
    __tablename__ = "project"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))   # None: county level (县直, 全县)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    content: Mapped[str] = mapped_column(Text, default="")
    investment_fen: Mapped[int] = mapped_column(BigInteger)
    fund_source: Mapped[str] = mapped_column(String(50), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    integrated: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="")
    __table_args__ = (Index("ix_project_batch", "batch_id", "category", "integrated"),)


class WorkRecord(_Fact, Base):
    """A work-ledger item: warning leads, cadres, paired households, industry acreage, loans.

    ``value_c`` is the value in hundredths of ``unit`` (条, 人, 户, 亩, 元).
    """

    __tablename__ = "work_record"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    item: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(10))
    value_c: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_work_batch", "batch_id", "item"),)


class IndicatorValue(_Fact, Base):
    """One reported value of a county indicator (指标数据): a township's, a village's or the county's own
    (``township_id`` None), for its batch's period. Values are exact decimals scaled by 10⁴ (``*_e4``), in the
    catalogue's unit; ``indicator`` is the catalogue key."""

    __tablename__ = "indicator_value"
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    indicator: Mapped[str] = mapped_column(String(60))
    unit: Mapped[str] = mapped_column(String(10), default="")
    value_e4: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    numerator_e4: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    denominator_e4: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    target_e4: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    __table_args__ = (Index("ix_indicator_batch", "batch_id", "indicator"),)


class ColumnMapping(Base):
    """A clerk's mapping of one header layout (its signature) to a kind and fields, reused by itself."""

    __tablename__ = "column_mapping"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    fields: Mapped[str] = mapped_column(Text)          # JSON: {header text: canonical field}
    headers: Mapped[str] = mapped_column(Text)         # JSON: the header texts, in order, for display
    example_file: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")



# ------------------------------------------------------------------ accounts, sessions, audit log
# Nothing personal in any of these: an account is known by its name (a login such as ``clerk`` or
# ``longchuan-01``), a session by a random id, an audit row by who did what to which batch or file.
class Account(Base):
    """One user of the dashboard (rural.auth). ``password_hash`` (Argon2id) is None for an account that
    signs in only through the county's identity provider; ``county`` None means every county,
    ``township`` None county-wide."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(20))
    county: Mapped[str | None] = mapped_column(String(50), nullable=True)
    township: Mapped[str | None] = mapped_column(String(50), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)   # UTC
    created_at: Mapped[datetime] = mapped_column(DateTime)                          # UTC
    updated_at: Mapped[datetime] = mapped_column(DateTime)                          # UTC
    oidc_subject: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)


class AuthSession(Base):
    """A signed-in session: the token the browser keeps is ``<id>.<HMAC of id>`` (rural.auth)."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)    # secrets.token_urlsafe(32)
    account: Mapped[str] = mapped_column(ForeignKey("accounts.name"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)            # UTC
    expires_at: Mapped[datetime] = mapped_column(DateTime)           # UTC
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEntry(Base):
    """Who did what, when, to which object, in which scope, with which outcome (rural.audit)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)                   # UTC
    account: Mapped[str | None] = mapped_column(String(60), nullable=True)   # None: not signed in
    role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(30))
    object: Mapped[str] = mapped_column(String(255), default="")
    scope: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="成功")
    detail: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_account", "account", "at"),
                      Index("ix_audit_action", "action", "at"))


class Meta(Base):
    """Small facts about the database itself, e.g. ``sample``: this is the bundled sample (rural.keys)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


FACT_TABLES = {
    "monitoring": MonitoredHousehold.__table__,
    "income": IncomeRecord.__table__,
    "employment": EmploymentResult.__table__,
    "welfare_posts": WelfarePost.__table__,
    "assistance": AssistancePayment.__table__,
    "platform": PlatformCase.__table__,
    "projects": Project.__table__,
    "integrated": Project.__table__,     # a 统筹整合 plan sent on its own: every project of it is integrated
    "work": WorkRecord.__table__,
    "industry": WorkRecord.__table__,
    "indicators": IndicatorValue.__table__,
}


# Secondary fact tables a sheet may fill besides its kind's table (SheetPlan.extra), by table name.
EXTRA_TABLES = {"household_risk": HouseholdRisk.__table__}
SCHEMA_VERSION = 5   # raise with every change to the tables; an older database is rebuilt or refused


def database_url(url: str | None = None) -> str:
    """``url``, else ``DATABASE_URL``, else the embedded SQLite file ``data/rural.db``."""
    return url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


def _sqlite_pragmas(dbapi_conn, _record):
    # SQLAlchemy, not pysqlite, begins transactions (see _sqlite_begin): pysqlite's own handling starts
    # a transaction only at the first INSERT, so a read-then-write transaction held no lock while reading.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # a bulk load keeps the indexes' pages in memory (grown on demand, so an idle connection costs nothing):
    # 1M-row roster written in 3.0 s instead of 3.7 s (bench/etl_load.py)
    cur.execute("PRAGMA cache_size=-131072")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN IMMEDIATE (the write lock, waiting up to the busy timeout) for a write transaction
    (:func:`write_transaction`); a plain deferred BEGIN for everything else, so readers never wait."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def make_engine(url: str | None = None, create: bool = True) -> Engine:
    """An engine for ``url`` (see :func:`database_url`); creates the schema when missing.

    A write transaction (:func:`write_transaction`) waits at most ``lock_timeout_s`` (settings.toml
    ``[database]``) for another writer: SQLite's busy timeout, PostgreSQL's ``lock_timeout``."""
    url = database_url(url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_engine(url, connect_args={"timeout": get_settings().lock_timeout_s} if sqlite else {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if create:
        _ensure_schema(engine)
    return engine


class SchemaError(RuntimeError):
    """The database was made by an older version of the tables."""


def _stored_version(engine: Engine) -> int | None:
    """The schema version of an existing database; None for an empty one, 0 for one older than versioning."""
    tables = set(inspect(engine).get_table_names())
    if "load_batch" not in tables:
        return None
    if "schema_info" not in tables:
        return 0
    with engine.connect() as conn:
        return conn.execute(select(func.max(SchemaInfo.__table__.c.version))).scalar() or 0


def _create_schema(engine: Engine) -> None:
    stored = _stored_version(engine)
    if stored is not None and stored != SCHEMA_VERSION:
        raise SchemaError(f"数据库 {engine.url.render_as_string(hide_password=True)} 的表结构是旧版本（{stored}，当前为{SCHEMA_VERSION}），"
                          "不能直接使用。请另建一个新数据库，把原始报表重新载入（python -m etl load …）；"
                          "示例数据库可删除 data/rural.db 后运行 make run 重建。")
    Base.metadata.create_all(engine)
    if stored is None:
        with engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(SchemaInfo.__table__)).scalar() == 0:
                conn.execute(SchemaInfo.__table__.insert().values(version=SCHEMA_VERSION))


def schema_current(url: str | None = None) -> bool:
    """True when ``url`` is empty or holds the current schema (used by ``make run`` to rebuild the sample)."""
    engine = make_engine(url, create=False)
    try:
        return _stored_version(engine) in (None, SCHEMA_VERSION)
    finally:
        engine.dispose()


def data_version(engine: Engine) -> str:
    """Changes with every load, undo or redo: the key for cached query results."""
    b = LoadBatch.__table__
    active_sum = func.sum(func.coalesce((b.c.status == BATCH_ACTIVE).cast(Integer) * b.c.id, 0))
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(b.c.id), active_sum)).one()
    return f"{row[0]}-{row[1]}-{row[2]}"


# ------------------------------------------------------------------------------ write lock
WRITE_OPTION = "rural_write"   # execution option: this connection's transactions take the write lock
WRITE_LOCK_KEY = 0x52757261    # pg_advisory_xact_lock key taken by every writer of this schema ("Rura")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's single write lock from its first statement to its end.

    SQLite: ``BEGIN IMMEDIATE`` (engines from :func:`make_engine`), waiting up to the busy timeout;
    PostgreSQL: ``pg_advisory_xact_lock`` as the first statement, waiting up to ``lock_timeout``.
    Everything read inside is therefore what the previous writer committed, and no other writer
    can act on the same rows until this one commits or rolls back. Raises SQLAlchemy errors as they are
    (etl.load turns them into messages)."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                ms = max(1, round(get_settings().lock_timeout_s * 1000))
                conn.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{ms}ms"})
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn


class OnConnection:
    """An engine stand-in whose ``connect()`` yields one open connection, left open and uncommitted: the
    indicator functions read through it inside a transaction (to see what a load or an undo would change
    before anything is kept)."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self.dialect = conn.dialect
        self.url = conn.engine.url

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        yield self._conn


def _version_on(conn: Connection) -> tuple[int | None, set[str]]:
    """(schema version, table names) as :func:`_stored_version` reads them, on an open connection."""
    tables = set(inspect(conn).get_table_names())
    if "load_batch" not in tables:
        return None, tables
    if "schema_info" not in tables:
        return 0, tables
    return conn.execute(select(func.max(SchemaInfo.__table__.c.version))).scalar() or 0, tables


class DatabaseBusy(RuntimeError):
    """Another writer held the write lock for longer than ``lock_timeout_s``."""


def busy_message() -> str:
    return f"数据库正被另一个载入或撤销操作占用，等待{get_settings().lock_timeout_s:g}秒后仍未释放"


def is_lock_timeout(exc: BaseException) -> bool:
    """True for a write lock not obtained in time: SQLite busy/locked, PostgreSQL lock_not_available (55P03)."""
    import sqlite3

    orig = getattr(exc, "orig", exc)
    if (getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)) == "55P03":
        return True
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        return (code is not None and (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)) \
            or "database is locked" in str(orig)
    return False


def _ensure_schema(engine: Engine) -> None:
    """:func:`_create_schema`, safe when several processes open an empty database at once.

    A current schema is only read (readers take no lock). Otherwise the tables and the version row
    are created in one write transaction, so a second process waits and then finds them complete
    instead of failing on ``CREATE TABLE`` or reading a version row not yet written."""
    try:
        with engine.connect() as conn:
            stored, tables = _version_on(conn)
        if stored == SCHEMA_VERSION and set(Base.metadata.tables) <= tables:
            return
        if stored is None or stored == SCHEMA_VERSION:
            with write_transaction(engine) as conn:
                stored, _ = _version_on(conn)
                if stored is None or stored == SCHEMA_VERSION:
                    Base.metadata.create_all(conn)
                    if stored is None:
                        conn.execute(SchemaInfo.__table__.insert().values(version=SCHEMA_VERSION))
                    return
    except Exception as exc:
        if is_lock_timeout(exc):
            raise DatabaseBusy(f"{busy_message()}，未能打开数据库。请稍后重试；如一直如此，请检查是否有卡住的载入进程") from exc
        raise
    _create_schema(engine)   # an older schema: refused there, with the message saying what to do
