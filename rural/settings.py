"""Settings and reference data from ``data/reference/`` (or ``RURAL_REFERENCE_DIR``)."""
from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rural import keys

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "data" / "rural.db"


BUNDLED_REFERENCE = ROOT / "data" / "reference"


def reference_dir() -> Path:
    return Path(os.environ.get("RURAL_REFERENCE_DIR") or BUNDLED_REFERENCE)


def reference_path(name: str) -> Path:
    """A reference file or folder (``rules.toml``, ``layouts``, ``vocab``) of the county's reference folder,
    else the bundled one: a county overrides only what it needs (its townships and settings, usually)."""
    own = reference_dir() / name
    return own if own.exists() else BUNDLED_REFERENCE / name


@dataclass(frozen=True)
class TownshipRef:
    county: str
    name: str
    lon: float | None
    lat: float | None
    coord_note: str


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted files, checked before and while parsing (``[limits]`` in settings.toml)."""

    max_upload_mb: int = 200
    max_inflated_mb: int = 1024
    max_compression_ratio: float = 200.0
    max_cells: int = 30_000_000
    max_rows: int = 1_100_000
    max_columns: int = 2000
    max_field_chars: int = 32767
    max_line_chars: int = 1_000_000
    parse_timeout_s: float = 180.0
    parse_memory_mb: int = 4096


@dataclass(frozen=True)
class Auth:
    """Sign-in (``[auth]`` in settings.toml): the way, the session length, the lockout, the OIDC claims."""

    mode: str = "local"                 # "local": accounts and passwords in the database; "oidc": the identity provider
    session_hours: float = 8.0          # a session lasts this long (a reload or a bookmark keeps it)
    max_failures: int = 5               # consecutive wrong passwords before the account is locked
    lock_minutes: float = 15.0          # for this long
    role_claim: str = "rural_role"      # the OIDC claims holding the role, county and township
    county_claim: str = "rural_county"
    township_claim: str = "rural_township"
    oidc_metadata_url: str = ""         # the provider's /.well-known/openid-configuration (or RURAL_OIDC_METADATA_URL)
    oidc_client_id: str = ""            # this dashboard's client id there (or RURAL_OIDC_CLIENT_ID); its secret never here
    oidc_redirect_uri: str = ""         # https://<this server>/oauth2callback (or RURAL_OIDC_REDIRECT_URI)


@dataclass(frozen=True)
class Settings:
    income_bands: tuple[int, ...] = (7000, 10000)
    industrial_categories: tuple[str, ...] = ("产业发展类",)
    max_upload_mb: int = 200
    townships: tuple[TownshipRef, ...] = field(default_factory=tuple)
    limits: "Limits" = field(default_factory=lambda: Limits())
    lock_timeout_s: float = 30.0
    thousands_separators: bool = False        # [briefing]: one number style in the pack's text and tables
    change_threshold_points: float = 0.5      # [briefing]: a rate's change worth a sentence (percentage points)
    change_threshold_relative_pct: float = 1.0   # [briefing]: any other figure's (relative, %)
    auth: Auth = field(default_factory=lambda: Auth())

    @property
    def hash_key(self) -> str:
        """The household hash key, read now from rural.keys (environment or keys file; the public sample key
        otherwise, which rural.keys.check_keys allows on the sample database only); never from a tracked file."""
        return keys.hash_key()

    def counties(self) -> list[str]:
        return list(dict.fromkeys(t.county for t in self.townships))

    def townships_of(self, county: str) -> list[str]:
        return [t.name for t in self.townships if t.county == county]


def _read_townships(path: Path) -> tuple[TownshipRef, ...]:
    if not path.exists():
        return ()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def num(v):
        return float(v) if v not in (None, "") else None

    return tuple(
        TownshipRef(r["县"].strip(), r["乡镇"].strip(), num(r.get("经度")), num(r.get("纬度")), (r.get("坐标说明") or "").strip())
        for r in rows if r.get("乡镇", "").strip()
    )


@lru_cache(maxsize=8)
def _load(directory: str) -> Settings:
    d = Path(directory)
    raw = {}
    if (d / "settings.toml").exists():
        raw = tomllib.loads((d / "settings.toml").read_text(encoding="utf-8"))
    inc, proj = raw.get("income", {}), raw.get("projects", {})
    moved = sorted({"far_behind_gap_pct", "industrial_share_reference_pct", "platform_green_pct", "platform_amber_pct",
                    "township_lag_pct"} & {k for section in raw.values() if isinstance(section, dict) for k in section})
    if moved:
        raise ValueError(f"settings.toml 中的 {'、'.join(moved)} 已移到 status.toml 的 [thresholds]（状态用语和判定阈值只在一处定义）")
    if "hash_key" in raw.get("privacy", {}):
        raise ValueError("settings.toml 的 [privacy] hash_key 已不再使用：密钥不能放在设置文件里。请把它移到环境变量 "
                         "RURAL_HASH_KEY 或密钥文件（python -m rural keys init 生成，再把其中的 hash_key 改成原来的值，"
                         "已载入数据的户编码才对得上），然后从 settings.toml 删除这一行")
    return Settings(
        income_bands=tuple(int(b) for b in inc.get("bands", (7000, 10000))),
        industrial_categories=tuple(proj.get("industrial_categories", ("产业发展类",))),
        max_upload_mb=int(raw.get("upload", {}).get("max_upload_mb", 200)),
        townships=_read_townships(d / "townships.csv"),
        limits=_limits(raw),
        lock_timeout_s=float(raw.get("database", {}).get("lock_timeout_s", 30.0)),
        thousands_separators=bool(raw.get("briefing", {}).get("thousands_separators", False)),
        change_threshold_points=float(raw.get("briefing", {}).get("change_threshold_points", 0.5)),
        change_threshold_relative_pct=float(raw.get("briefing", {}).get("change_threshold_relative_pct", 1.0)),
        auth=_auth(raw),
    )


def _auth(raw: dict) -> Auth:
    given = dict(raw.get("auth", {}))
    kinds = {f.name: f.type for f in Auth.__dataclass_fields__.values()}
    unknown = set(given) - set(kinds)
    if unknown:
        raise ValueError(f"settings.toml 的 [auth] 中有未知的设置：{'、'.join(sorted(unknown))}")
    auth = Auth(**{k: {"float": float, "int": int}.get(kinds[k], str)(v) for k, v in given.items()})
    if auth.mode not in ("local", "oidc"):
        raise ValueError(f"settings.toml 的 [auth] mode 应为 \"local\"（本地账号）或 \"oidc\"（统一身份认证），而不是 {auth.mode!r}")
    if auth.session_hours <= 0 or auth.max_failures < 1 or auth.lock_minutes <= 0:
        raise ValueError("settings.toml 的 [auth] 中 session_hours、lock_minutes 须大于0，max_failures 至少为1")
    return auth


def _limits(raw: dict) -> Limits:
    given = dict(raw.get("limits", {}))
    given.setdefault("max_upload_mb", raw.get("upload", {}).get("max_upload_mb", Limits.max_upload_mb))
    kinds = {f.name: f.type for f in Limits.__dataclass_fields__.values()}
    unknown = set(given) - set(kinds)
    if unknown:
        raise ValueError(f"settings.toml 的 [limits] 中有未知的设置：{'、'.join(sorted(unknown))}")
    return Limits(**{k: (float(v) if kinds[k] == "float" else int(v)) for k, v in given.items()})


def get_settings() -> Settings:
    return _load(str(reference_dir()))
