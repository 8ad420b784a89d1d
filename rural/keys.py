"""The installation's three secrets, never in a tracked file.

- ``RURAL_HASH_KEY``: the household hash key (a household known only by an ID number gets the keyed
  pseudonym HMAC-SHA256(key, ID); etl.sources.common).
- ``RURAL_ARCHIVE_SECRET``: the originals' archive (AES-GCM); the key is derived from this secret with
  HKDF-SHA256 and a fixed label, never from the hash key.
- ``RURAL_SESSION_SECRET``: signs the session tokens (rural.auth), through HKDF with its own label.

Each comes from its environment variable or else from the keys file (``RURAL_KEYS_FILE``, default
``~/.config/rural-dashboard/keys.toml``, mode 0600, outside the repository; ``python -m rural keys init``
writes one with fresh random keys). With neither, the public sample values below apply: they are
acceptable for the bundled sample database only. :func:`mark_sample` records in a database that it is
the sample; :func:`check_keys` refuses every other database whose keys are missing, empty, too short,
equal to each other or the sample's, and says how to set them.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# PUBLIC: this key was in the repository (and is in its history). It may only ever key the bundled
# sample database, whose households are invented; any real database must have its own keys.
SAMPLE_HASH_KEY = "nanhua-sample-key-change-me"
# The sample's other two secrets, derived from the public sample key: public as well, sample only.
SAMPLE_ARCHIVE_SECRET = hmac.new(SAMPLE_HASH_KEY.encode(), b"sample archive secret", hashlib.sha256).hexdigest()
SAMPLE_SESSION_SECRET = hmac.new(SAMPLE_HASH_KEY.encode(), b"sample session secret", hashlib.sha256).hexdigest()

MIN_LENGTH = 16
SAMPLE_MARK = "sample"


@dataclass(frozen=True)
class Key:
    field: str      # its name in the keys file
    env: str        # its environment variable
    label: str      # what it is, for messages
    sample: str     # the public sample value


KEYS = (
    Key("hash_key", "RURAL_HASH_KEY", "户编码密钥", SAMPLE_HASH_KEY),
    Key("archive_secret", "RURAL_ARCHIVE_SECRET", "原始文件加密密钥", SAMPLE_ARCHIVE_SECRET),
    Key("session_secret", "RURAL_SESSION_SECRET", "登录会话签名密钥", SAMPLE_SESSION_SECRET),
)
_BY_FIELD = {k.field: k for k in KEYS}
OPTIONAL = {"oidc_client_secret": "RURAL_OIDC_CLIENT_SECRET"}   # kept in the keys file when used, never required
_SAMPLES = {k.sample for k in KEYS}


class KeyProblem(RuntimeError):
    """Keys the database may not run with (or a keys file that cannot be used); ``text`` says how to fix it."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


# ------------------------------------------------------------------------------------ where keys are
def keys_file() -> Path:
    """``RURAL_KEYS_FILE``, else ``~/.config/rural-dashboard/keys.toml``."""
    return Path(os.environ.get("RURAL_KEYS_FILE") or Path.home() / ".config" / "rural-dashboard" / "keys.toml").expanduser()


def _file_values(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KeyProblem(f"密钥文件 {path} 无法读取（{type(exc).__name__}）。请检查它是否为 TOML 格式，"
                         "或删除后运行 python -m rural keys init 重新生成") from None
    return {name: str(value) for name, value in raw.items() if name in _BY_FIELD or name in OPTIONAL}


def resolve(field: str) -> tuple[str, str]:
    """(value, where it came from) of one key: its environment variable when set and not empty, else the keys
    file when it has the key, else the public sample value (where = "示例")."""
    key = _BY_FIELD[field]
    if os.environ.get(key.env):
        return os.environ[key.env], f"环境变量 {key.env}"
    path = keys_file()
    values = _file_values(path)
    if field in values:
        return values[field], f"密钥文件 {path}"
    return key.sample, "示例"


def hash_key() -> str:
    """The household hash key (see :func:`resolve`)."""
    return resolve("hash_key")[0]


def _derive(secret: str, label: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rural-dashboard/" + label, info=label + b" v1").derive(
        secret.encode("utf-8"))


def archive_key() -> bytes:
    """The AES-256-GCM key of the originals' archive: HKDF-SHA256 of ``RURAL_ARCHIVE_SECRET``."""
    return _derive(resolve("archive_secret")[0], b"archive-aes-gcm")


def session_key() -> bytes:
    """The HMAC-SHA256 key signing session tokens: HKDF-SHA256 of ``RURAL_SESSION_SECRET``."""
    return _derive(resolve("session_secret")[0], b"session-hmac")


def optional_secret(field: str) -> str:
    """A secret besides the three (``OPTIONAL``: the OIDC client secret): its environment variable, else the
    keys file; "" when neither has it."""
    return os.environ.get(OPTIONAL[field]) or _file_values(keys_file()).get(field, "")


def derived_secret(label: str) -> str:
    """A further secret for one purpose (e.g. the cookie secret of Streamlit's own sign-in), derived from the
    session secret with HKDF and ``label``: hex, 64 characters."""
    return _derive(resolve("session_secret")[0], label.encode("utf-8")).hex()


def legacy_archive_key(hash_key_value: str) -> bytes:
    """The archive key of earlier versions (one SHA-256 of the hash key): only to re-encrypt old archives."""
    return hashlib.sha256(("archive:" + hash_key_value).encode("utf-8")).digest()


# --------------------------------------------------------------------------------- the sample mark
def mark_sample(engine) -> None:
    """Record in the database that it is the bundled sample (its invented households may be keyed with the
    public sample key). Called by ``make db`` before the samples are loaded, and by the test fixtures."""
    from rural.db import Meta, write_transaction

    meta = Meta.__table__
    with write_transaction(engine) as conn:
        conn.execute(meta.delete().where(meta.c.key == SAMPLE_MARK))
        conn.execute(meta.insert().values(key=SAMPLE_MARK, value="内置示例数据库：可使用公开的示例密钥"))


def is_sample(engine) -> bool:
    from sqlalchemy import inspect, select

    from rural.db import Meta

    meta = Meta.__table__
    if "meta" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return conn.execute(select(meta.c.key).where(meta.c.key == SAMPLE_MARK)).first() is not None


# ------------------------------------------------------------------------------------------ checks
def _inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def _file_problems(path: Path) -> list[str]:
    if not path.exists():
        return []
    found = []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        found.append(f"密钥文件 {path} 的权限是 {mode:04o}，别人也能读：请运行 chmod 600 {path}")
    if _inside_repository(path):
        found.append(f"密钥文件 {path} 在代码仓库里：请把它移到仓库之外（例如 {Path.home() / '.config/rural-dashboard/keys.toml'}），"
                     "并用 RURAL_KEYS_FILE 指向它")
    return found


def key_problems() -> list[str]:
    """What is wrong with the configured keys for a database that is not the sample (empty: nothing)."""
    path = keys_file()
    found = _file_problems(path)
    try:
        values = {k.field: resolve(k.field) for k in KEYS}
    except KeyProblem as exc:
        return found + [exc.text]
    for k in KEYS:
        value, where = values[k.field]
        if where == "示例":
            found.append(f"{k.label}（{k.env}）：未设置")
        elif not value.strip():
            found.append(f"{k.label}（{k.env}，{where}）：为空")
        elif value in _SAMPLES:
            found.append(f"{k.label}（{k.env}，{where}）：是公开的示例密钥")
        elif len(value) < MIN_LENGTH:
            found.append(f"{k.label}（{k.env}，{where}）：太短（至少{MIN_LENGTH}个字符）")
    given = [(k, values[k.field][0]) for k in KEYS if values[k.field][1] != "示例" and values[k.field][0].strip()]
    for i, (a, va) in enumerate(given):
        for b, vb in given[i + 1:]:
            if va == vb:
                found.append(f"{a.env} 与 {b.env} 相同：三个密钥须各不相同")
    return found


def how_to_set() -> str:
    return ("请任选一种方式设置密钥：\n"
            f"  1. 运行 python -m rural keys init，生成密钥文件 {keys_file()}（随机密钥，权限 0600，在代码仓库之外；"
            "另存位置可用 --file 或环境变量 RURAL_KEYS_FILE 指定）；\n"
            f"  2. 或设置环境变量 {'、'.join(k.env for k in KEYS)}（各至少{MIN_LENGTH}个字符、互不相同，"
            "例如各用 python -c \"import secrets; print(secrets.token_urlsafe(32))\" 生成一个）。\n"
            "户编码由 RURAL_HASH_KEY 派生：数据库载入数据后不要再更换它，并与数据库分开备份。")


def check_keys(engine, *, first_run: bool = False) -> None:
    """Raise :class:`KeyProblem` unless the database may run with the configured keys: the bundled sample
    (marked by :func:`mark_sample`) with any keys, any other database only with its own proper keys."""
    if is_sample(engine):
        return
    if first_run and all(resolve(k.field)[1] == "示例" for k in KEYS) and not keys_file().exists() \
            and not _holds_data(engine):
        # first run on this machine: fresh random keys into a 0600 file outside the repository (never the sample)
        path = generate_keys_file()
        print(f"首次运行：已生成密钥文件 {path}（随机密钥，权限 0600）。请把它与数据库分开备份；"
              "户编码由其中的 hash_key 派生，载入数据后不要再更换。", file=sys.stderr)
    found = key_problems()
    if not found:
        _check_fingerprint(engine)
    if found:
        url = engine.url.render_as_string(hide_password=True)
        raise KeyProblem(f"数据库 {url} 不是内置示例数据库，不能使用示例密钥、空密钥或缺少密钥：\n"
                         + "\n".join(f"  - {p}" for p in found) + "\n" + how_to_set())


FINGERPRINT = "hash_key_fingerprint"


def _holds_data(engine) -> bool:
    """Whether any file was ever loaded into the database (households keyed with some hash key)."""
    from sqlalchemy import inspect, select

    from rural.db import LoadBatch

    if "load_batch" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return conn.execute(select(LoadBatch.__table__.c.id).limit(1)).first() is not None


def _check_fingerprint(engine) -> None:
    """A database remembers which household hash key its data was keyed with (an HMAC of a fixed label, not the
    key): a later run with another key — a lost keys file regenerated, a typo in the variable — is refused
    instead of keying the same households twice."""
    from sqlalchemy import inspect, select

    from rural.db import Meta, write_transaction

    meta = Meta.__table__
    mark = hmac.new(hash_key().encode("utf-8"), b"rural-dashboard/hash-key-fingerprint", "sha256").hexdigest()[:32]
    if "meta" not in inspect(engine).get_table_names():
        Meta.metadata.create_all(engine)
    with engine.connect() as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == FINGERPRINT)).first()
    if row is None or (row[0] != mark and not _holds_data(engine)):
        with write_transaction(engine) as conn:
            conn.execute(meta.delete().where(meta.c.key == FINGERPRINT))
            conn.execute(meta.insert().values(key=FINGERPRINT, value=mark))
    elif row[0] != mark:
        raise KeyProblem("这个数据库是用另一个户编码密钥（RURAL_HASH_KEY）载入的，当前配置的密钥与它不一致。"
                         "请恢复原来的密钥（环境变量或密钥文件的备份）；换用新密钥会把同一户编成两个户编码。")


# --------------------------------------------------------------------------------------- keys file
def generate_keys_file(path: Path | str | None = None) -> Path:
    """Write fresh random keys (``secrets.token_urlsafe(32)`` each) to ``path`` (default :func:`keys_file`),
    mode 0600, its folder 0700; never over an existing file, never inside the repository."""
    path = Path(path).expanduser() if path else keys_file()
    if path.exists():
        raise KeyProblem(f"密钥文件 {path} 已存在，不会覆盖：户编码密钥一旦更换，已载入数据的户编码就对不上了。"
                         "如确需重新生成，请先备份再删除它")
    if _inside_repository(path.parent):
        raise KeyProblem(f"密钥文件不能放在代码仓库里（{path}）：请用 --file 指定仓库之外的位置")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# 乡村振兴指标看板的密钥。权限须为 0600；不要放进代码仓库，不要发给别人；与数据库分开备份。",
             "# hash_key 派生户编码：数据库载入数据后不要再更换它。"]
    lines += [f'{k.field} = "{secrets.token_urlsafe(32)}"   # {k.label}（环境变量 {k.env} 优先）' for k in KEYS]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write("\n".join(lines) + "\n")
    return path


def reencrypt_legacy_archive(directory: Path) -> tuple[int, int, int]:
    """Re-encrypt originals archived by earlier versions (key = one SHA-256 of the hash key) with
    :func:`archive_key`; returns (re-encrypted, already current, unreadable). Same file format as
    ``etl.service.archive``: ``<sha256><suffix>.enc`` holding nonce (12 bytes) + AES-GCM(data, aad=sha256)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    new, old = AESGCM(archive_key()), AESGCM(legacy_archive_key(hash_key()))
    counts = [0, 0, 0]
    for path in sorted(Path(directory).glob("*.enc")) if Path(directory).is_dir() else []:
        blob, aad = path.read_bytes(), path.name.split(".")[0].encode()
        try:
            new.decrypt(blob[:12], blob[12:], aad)
            counts[1] += 1
            continue
        except InvalidTag:
            pass
        try:
            data = old.decrypt(blob[:12], blob[12:], aad)
        except InvalidTag:
            counts[2] += 1
            continue
        nonce = os.urandom(12)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(nonce + new.encrypt(nonce, data, aad))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
        counts[0] += 1
    return counts[0], counts[1], counts[2]
