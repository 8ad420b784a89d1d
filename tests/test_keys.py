"""The installation's secrets: never in a tracked file, refused outside the sample database when missing,
empty, short or the sample's, generated into a 0600 file outside the repository, the archive key derived
from its own secret with HKDF."""
from __future__ import annotations

import hashlib
import os
import stat
import tomllib

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from etl import service
from rural import keys, settings
from rural.db import make_engine
from tests.conftest import ROOT, run_cli

GOOD = {"RURAL_HASH_KEY": "h" * 20 + "-own-hash-key", "RURAL_ARCHIVE_SECRET": "a" * 20 + "-own-archive",
        "RURAL_SESSION_SECRET": "s" * 20 + "-own-session"}


@pytest.fixture(autouse=True)
def no_configured_keys(tmp_path, monkeypatch):
    for key in keys.KEYS:
        monkeypatch.delenv(key.env, raising=False)
    monkeypatch.setenv("RURAL_KEYS_FILE", str(tmp_path / "keys" / "keys.toml"))
    settings._load.cache_clear()
    yield
    settings._load.cache_clear()


@pytest.fixture
def engine(tmp_path):
    return make_engine(f"sqlite:///{tmp_path / 'county.db'}")


def refusal(engine) -> str:
    with pytest.raises(keys.KeyProblem) as problem:
        keys.check_keys(engine)
    return problem.value.text


def says_how(text: str, path) -> None:
    assert "python -m rural keys init" in text and str(path) in text
    for env in ("RURAL_HASH_KEY", "RURAL_ARCHIVE_SECRET", "RURAL_SESSION_SECRET"):
        assert env in text


# ----------------------------------------------------------------------------------------- refusals
def test_a_database_that_is_not_the_sample_refuses_missing_keys(engine, tmp_path):
    text = refusal(engine)
    assert text.startswith(f"数据库 sqlite:///{tmp_path / 'county.db'} 不是内置示例数据库")
    for line in ("户编码密钥（RURAL_HASH_KEY）：未设置", "原始文件加密密钥（RURAL_ARCHIVE_SECRET）：未设置",
                 "登录会话签名密钥（RURAL_SESSION_SECRET）：未设置"):
        assert line in text
    says_how(text, tmp_path / "keys" / "keys.toml")


def test_the_sample_key_is_refused_outside_the_sample(engine, monkeypatch, tmp_path):
    for env, value in GOOD.items():
        monkeypatch.setenv(env, value)
    keys.check_keys(engine)
    monkeypatch.setenv("RURAL_HASH_KEY", keys.SAMPLE_HASH_KEY)
    text = refusal(engine)
    assert "户编码密钥（RURAL_HASH_KEY，环境变量 RURAL_HASH_KEY）：是公开的示例密钥" in text
    assert "RURAL_ARCHIVE_SECRET，" not in text                          # the other two are fine
    says_how(text, tmp_path / "keys" / "keys.toml")
    monkeypatch.setenv("RURAL_HASH_KEY", GOOD["RURAL_HASH_KEY"])
    monkeypatch.setenv("RURAL_SESSION_SECRET", keys.SAMPLE_SESSION_SECRET)
    assert "登录会话签名密钥（RURAL_SESSION_SECRET，环境变量 RURAL_SESSION_SECRET）：是公开的示例密钥" in refusal(engine)


def test_an_empty_short_or_repeated_key_is_refused(engine, monkeypatch, tmp_path):
    path = tmp_path / "keys.toml"
    path.write_text(f'hash_key = ""\narchive_secret = "short"\nsession_secret = "{GOOD["RURAL_SESSION_SECRET"]}"\n',
                    encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("RURAL_KEYS_FILE", str(path))
    text = refusal(engine)
    assert f"户编码密钥（RURAL_HASH_KEY，密钥文件 {path}）：为空" in text
    assert f"原始文件加密密钥（RURAL_ARCHIVE_SECRET，密钥文件 {path}）：太短（至少16个字符）" in text
    assert "RURAL_SESSION_SECRET，" not in text
    # an empty environment variable counts as not set: the file decides, the sample key does not slip in
    monkeypatch.setenv("RURAL_HASH_KEY", "")
    assert "：为空" in refusal(engine)
    monkeypatch.setenv("RURAL_HASH_KEY", GOOD["RURAL_SESSION_SECRET"])
    monkeypatch.setenv("RURAL_ARCHIVE_SECRET", GOOD["RURAL_ARCHIVE_SECRET"])
    assert refusal(engine).count("相同：三个密钥须各不相同") == 1


def test_a_keys_file_readable_by_others_or_inside_the_repository_is_refused(engine, monkeypatch, tmp_path):
    path = keys.generate_keys_file(tmp_path / "keys.toml")
    monkeypatch.setenv("RURAL_KEYS_FILE", str(path))
    keys.check_keys(engine)
    path.chmod(0o644)
    assert f"密钥文件 {path} 的权限是 0644，别人也能读：请运行 chmod 600 {path}" in refusal(engine)
    with pytest.raises(keys.KeyProblem, match="密钥文件不能放在代码仓库里"):
        keys.generate_keys_file(ROOT / "data" / "keys.toml")
    assert not (ROOT / "data" / "keys.toml").exists()


def test_a_broken_keys_file_says_so(engine, monkeypatch, tmp_path):
    path = tmp_path / "keys.toml"
    path.write_text("hash_key = \n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("RURAL_KEYS_FILE", str(path))
    assert f"密钥文件 {path} 无法读取" in refusal(engine)


# ------------------------------------------------------------------------------------- acceptance
def test_the_marked_sample_runs_on_the_sample_keys(engine):
    assert not keys.is_sample(engine)
    keys.mark_sample(engine)
    keys.mark_sample(engine)                                            # again: no harm
    assert keys.is_sample(engine)
    keys.check_keys(engine)
    assert keys.hash_key() == keys.SAMPLE_HASH_KEY == settings.get_settings().hash_key
    assert keys.SAMPLE_ARCHIVE_SECRET not in (keys.SAMPLE_HASH_KEY, keys.SAMPLE_SESSION_SECRET)


def test_own_keys_from_the_environment_or_the_file(engine, monkeypatch, tmp_path):
    path = keys.generate_keys_file()                                    # RURAL_KEYS_FILE, its folder made
    assert path == tmp_path / "keys" / "keys.toml"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    keys.check_keys(engine)
    stored = tomllib.loads(path.read_text(encoding="utf-8"))
    assert keys.hash_key() == stored["hash_key"] == settings.get_settings().hash_key
    monkeypatch.setenv("RURAL_HASH_KEY", GOOD["RURAL_HASH_KEY"])        # the environment wins
    settings._load.cache_clear()
    assert settings.get_settings().hash_key == GOOD["RURAL_HASH_KEY"]
    assert keys.resolve("hash_key") == (GOOD["RURAL_HASH_KEY"], "环境变量 RURAL_HASH_KEY")
    assert keys.resolve("archive_secret") == (stored["archive_secret"], f"密钥文件 {path}")
    keys.check_keys(engine)


# --------------------------------------------------------------------------------------- keys file
def test_generated_keys_file_is_0600_random_and_never_overwritten(tmp_path):
    path = keys.generate_keys_file(tmp_path / "a" / "keys.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(values) == {"hash_key", "archive_secret", "session_secret"}
    assert len(set(values.values())) == 3 and all(len(v) >= 43 for v in values.values())
    other = tomllib.loads(keys.generate_keys_file(tmp_path / "b" / "keys.toml").read_text(encoding="utf-8"))
    assert not set(values.values()) & set(other.values())
    before = path.read_bytes()
    with pytest.raises(keys.KeyProblem, match="已存在，不会覆盖"):
        keys.generate_keys_file(path)
    assert path.read_bytes() == before


def test_keys_cli(tmp_path):
    path = tmp_path / "cli" / "keys.toml"
    db = f"sqlite:///{tmp_path / 'county.db'}"
    env = {"RURAL_KEYS_FILE": str(tmp_path / "none.toml"), **{k: "" for k in GOOD}}
    made = run_cli("rural", "keys", "init", "--file", path, env=env, check=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(v not in made.stdout for v in tomllib.loads(path.read_text(encoding="utf-8")).values())
    assert f"RURAL_KEYS_FILE={path}" in made.stdout
    again = run_cli("rural", "keys", "init", "--file", path, env=env)
    assert again.returncode == 1 and "已存在，不会覆盖" in again.stderr

    refused = run_cli("rural", "keys", "check", "--db", db, env=env)
    assert refused.returncode == 1 and "不是内置示例数据库" in refused.stderr and "Traceback" not in refused.stderr
    accepted = run_cli("rural", "keys", "check", "--db", db, env={**env, "RURAL_KEYS_FILE": str(path)}, check=True)
    assert accepted.stdout.strip() == f"密钥检查通过：{db}"
    run_cli("rural", "keys", "mark-sample", "--db", db, env=env, check=True)
    assert "（内置示例数据库）" in run_cli("rural", "keys", "check", "--db", db, env=env, check=True).stdout


# ------------------------------------------------------------------------------------- derivations
def test_the_archive_key_is_derived_from_its_own_secret(monkeypatch):
    sample_archive = keys.archive_key()
    hk = keys.SAMPLE_HASH_KEY
    assert sample_archive not in (hk.encode(), hashlib.sha256(hk.encode()).digest(),
                                  hashlib.sha256(("archive:" + hk).encode()).digest())
    assert sample_archive == service._key()
    for env, value in GOOD.items():
        monkeypatch.setenv(env, value)
    own = keys.archive_key()
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rural-dashboard/archive-aes-gcm",
                    info=b"archive-aes-gcm v1").derive(GOOD["RURAL_ARCHIVE_SECRET"].encode())
    assert own == expected == service._key() and len(own) == 32
    assert own not in (GOOD["RURAL_HASH_KEY"].encode(), hashlib.sha256(GOOD["RURAL_HASH_KEY"].encode()).digest(),
                       keys.legacy_archive_key(GOOD["RURAL_HASH_KEY"]), sample_archive)
    monkeypatch.setenv("RURAL_HASH_KEY", "another hash key, long enough")
    assert keys.archive_key() == own                                     # the hash key has no part in it
    assert keys.session_key() not in (own, GOOD["RURAL_SESSION_SECRET"].encode())


def test_an_archived_original_needs_the_archive_secret(monkeypatch, tmp_path):
    monkeypatch.setattr(service, "ARCHIVE_DIR", tmp_path / "archive")
    for env, value in GOOD.items():
        monkeypatch.setenv(env, value)
    data = b"PK\x03\x04 an original with names and ID numbers"
    stored = service.archive(data, ".xlsx")
    blob, aad = stored.read_bytes(), stored.name.split(".")[0].encode()
    assert data not in blob
    assert AESGCM(keys.archive_key()).decrypt(blob[:12], blob[12:], aad) == data
    with pytest.raises(InvalidTag):                                      # the hash key alone opens nothing
        AESGCM(keys.legacy_archive_key(GOOD["RURAL_HASH_KEY"])).decrypt(blob[:12], blob[12:], aad)
    assert service.archived(service.sha256_of(data)) == data


def test_originals_archived_by_earlier_versions_are_re_encrypted(monkeypatch, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    monkeypatch.setattr(service, "ARCHIVE_DIR", folder)
    data = b"an original archived before this version"
    digest = service.sha256_of(data)
    nonce = os.urandom(12)
    old = keys.legacy_archive_key(keys.SAMPLE_HASH_KEY)
    (folder / f"{digest}.xlsx.enc").write_bytes(nonce + AESGCM(old).encrypt(nonce, data, digest.encode()))
    (folder / f"{'0' * 64}.xlsx.enc").write_bytes(os.urandom(40))
    assert keys.reencrypt_legacy_archive(folder) == (1, 0, 1)
    assert service.archived(digest) == data
    assert keys.reencrypt_legacy_archive(folder) == (0, 1, 1)
    assert stat.S_IMODE((folder / f"{digest}.xlsx.enc").stat().st_mode) == 0o600


# ------------------------------------------------------------------------------------------- files
def test_no_key_in_a_tracked_file(tmp_path, monkeypatch):
    text = (ROOT / "data" / "reference" / "settings.toml").read_text(encoding="utf-8")
    assert "hash_key" not in text and keys.SAMPLE_HASH_KEY not in text
    assert "[auth]" in text
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "settings.toml").write_text('[privacy]\nhash_key = "a county key kept here"\n', encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    settings._load.cache_clear()
    with pytest.raises(ValueError, match="hash_key 已不再使用：密钥不能放在设置文件里"):
        settings.get_settings()
