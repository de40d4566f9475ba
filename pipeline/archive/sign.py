"""Signatures of a package: Ed25519 key files with the signer's name, the signature over the manifests, its check.

Why Ed25519 through ``cryptography`` and not SM2 (README, 数据包签名): ``cryptography`` is maintained with every
OpenSSL release and ships wheels for Windows; the SM2 package on PyPI (``gmssl``) is a pure-Python implementation
last released in 2023, and OpenSSL's SM2 is not reachable through ``cryptography``. The manifests the signature
covers carry SM3 digests of every file, so the national digest is still in the chain.

What is signed (`SIGNATURE_FILE`, written last, outside the manifests): a statement naming the signer, the key's
fingerprint, the date and the SHA-256 and SM3 digests of the two manifests and the two tag manifests, which in turn
list every file. Changing any file breaks its manifest line; rewriting that line breaks the statement; rewriting the
statement breaks the signature, which nobody can remake without the private key. Keys never enter the package:
only the public key's fingerprint does.

Key files are text: a comment, ``签名者: <name>`` and a PEM block (PKCS#8 private key, mode 0600; SubjectPublicKeyInfo
public key in ``<file>.pub``), so that an archivist can see whose key a file is.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass

from .. import fsutil
from . import sm3
from .errors import ArchiveError

__all__ = [
    "SIGNATURE_FILE",
    "ALGORITHM",
    "KeyProblem",
    "PrivateKey",
    "PublicKey",
    "make_keys",
    "load_private_key",
    "load_public_key",
    "signature_file",
    "Statement",
    "read_statement",
]

SIGNATURE_FILE = "签名.json"
ALGORITHM = "Ed25519"
FORMAT = "huanjie 数据包签名 1"
SIGNER_LINE = re.compile(r"^签名者:\s*(.+?)\s*$", re.M)
PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----\s*", re.S)
PRIVATE_HEADER = (
    "# huanjie 签名私钥（Ed25519）。请妥善保管，不要放进数据包，也不要发给别人；把同名的 .pub 公钥交给档案馆。\n"
)
PUBLIC_HEADER = "# huanjie 签名公钥（Ed25519）。档案馆用 huanjie verify 数据包 --key 本文件 核对数据包的签名。\n"
KEY_LIMIT = 64 << 10  # a key file is a few hundred bytes


class KeyProblem(ArchiveError):
    """A key file is missing, unreadable or not a huanjie key of the right kind (exit code 2)."""


@dataclass(frozen=True)
class PublicKey:
    signer: str
    raw: bytes  # the 32 bytes of the Ed25519 public key

    @property
    def fingerprint(self) -> str:
        """``SHA256:`` and the hex SHA-256 of the raw public key."""
        return "SHA256:" + hashlib.sha256(self.raw).hexdigest()

    def verify(self, signature: bytes, data: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class PrivateKey:
    signer: str
    key: object  # Ed25519PrivateKey

    def public(self) -> PublicKey:
        from cryptography.hazmat.primitives import serialization

        raw = self.key.public_key().public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey(self.signer, raw)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)  # type: ignore[attr-defined]


def check_signer(signer: str) -> str:
    """The signer's name, stripped; a `KeyProblem` when it is empty, too long or spans lines."""
    name = (signer or "").strip()
    if not name:
        raise KeyProblem("签名者名称不能为空；请用 --signer 写签名单位的名称，如 --signer 青石县民政局。")
    if "\n" in name or "\r" in name or len(name) > 100:
        raise KeyProblem("签名者名称应为一行、不超过 100 个字，如 青石县民政局。")
    return name


def make_keys(path: str, signer: str, force: bool = False) -> tuple[str, str, PublicKey]:
    """Make a key pair: the private key at `path` (mode 0600), the public key at `path`.pub. Never overwrites
    either without `force` (nothing is written when one of them exists). Returns both paths and the public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    name = check_signer(signer)
    public_path = path + ".pub"
    if path.endswith(".pub"):
        raise KeyProblem(f"私钥文件名 {path} 以 .pub 结尾，容易与公钥混淆；请换一个名称，如 青石县.key。")
    if not force:
        for existing in (path, public_path):
            if os.path.lexists(existing):
                raise KeyProblem(
                    f"{existing} 已存在，未覆盖（覆盖会同时换掉公钥，用旧密钥签过的数据包就不能用新公钥核对）。如确需覆盖，请加 --force。"
                )
    for existing in (path, public_path):
        if os.path.isdir(existing):
            raise KeyProblem(f"{existing} 是文件夹；请给出私钥的文件名，如 青石县.key。")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    private = PrivateKey(name, key)
    public = private.public()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    folder = os.path.dirname(os.path.abspath(path))
    fsutil.make_dirs(folder)
    _write_private(path, f"{PRIVATE_HEADER}签名者: {name}\n{pem}", force)
    fsutil.write_atomic(
        public_path, f"{PUBLIC_HEADER}签名者: {name}\n指纹: {public.fingerprint}\n{public_pem}".encode(), overwrite=True
    )
    return path, public_path, public


def _write_private(path: str, text: str, force: bool) -> None:
    """Write the private key file atomically, mode 0600 from its first byte (mkstemp), never readable by others."""
    handle, temp = tempfile.mkstemp(prefix=".~", suffix=".key.tmp", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        fsutil.place(temp, path, overwrite=force)
    except fsutil.OutputExists:
        raise KeyProblem(f"{path} 已存在，未覆盖。如确需覆盖，请加 --force。") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _read_key_file(path: str, what: str) -> tuple[str, str, str]:
    """(signer, PEM kind, PEM text) of a key file; `KeyProblem` with a Chinese message otherwise."""
    try:
        if os.path.isdir(path):
            raise KeyProblem(f"{what} {path} 是文件夹，不是密钥文件。")
        with open(path, "rb") as handle:
            data = handle.read(KEY_LIMIT + 1)
    except FileNotFoundError:
        raise KeyProblem(f"找不到{what} {path}。") from None
    except OSError as exc:
        raise KeyProblem(f"无法读取{what} {path}（{fsutil.os_reason(exc)}）。") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    block = PEM_BLOCK.search(text) if len(data) <= KEY_LIMIT else None
    if block is None:
        raise KeyProblem(f"{path} 不是 huanjie 的密钥文件（没有 PEM 格式的密钥）；请用 huanjie keygen 生成的文件。")
    signer = SIGNER_LINE.search(text)
    return (signer.group(1) if signer else ""), block.group(1), block.group(0)


def load_private_key(path: str) -> PrivateKey:
    """The private key (and signer) of a file made by `make_keys`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signer, kind, pem = _read_key_file(path, "私钥文件")
    if kind == "PUBLIC KEY":
        raise KeyProblem(f"{path} 是公钥，不能用来签名；--sign 请给出私钥文件（不带 .pub 的那个）。")
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise KeyProblem(
            f"{path} 中的私钥无法读取（文件已损坏或有密码保护）；请用 huanjie keygen 生成的文件。"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{path} 中的私钥不是 Ed25519 密钥；请用 huanjie keygen 生成的文件。")
    if not signer:
        raise KeyProblem(f"{path} 中没有“签名者:”一行；请用 huanjie keygen --signer 名称 生成的文件。")
    return PrivateKey(signer, key)


def load_public_key(path: str) -> PublicKey:
    """The public key (and signer) of a ``.pub`` file made by `make_keys`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signer, kind, pem = _read_key_file(path, "公钥文件")
    if kind != "PUBLIC KEY":
        raise KeyProblem(
            f"{path} 不是公钥（是私钥）；--key 请给出同名的 .pub 公钥文件。私钥不要交给档案馆或别人。"
            if "PRIVATE" in kind
            else f"{path} 不是公钥文件；--key 请给出 huanjie keygen 生成的 .pub 文件。"
        )
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        raise KeyProblem(f"{path} 中的公钥无法读取（文件已损坏）；请向签名单位重新索取 .pub 文件。") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem(f"{path} 中的公钥不是 Ed25519 密钥；请用 huanjie keygen 生成的 .pub 文件。")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(signer or "（未写签名者）", raw)


# --------------------------------------------------------------------------------------------
# The signature file
# --------------------------------------------------------------------------------------------
def _digests(data: bytes) -> dict[str, str]:
    return {"SHA-256": hashlib.sha256(data).hexdigest(), "SM3": sm3.new(data).hexdigest()}


def _payload(statement: dict) -> bytes:
    """The bytes signed: the statement without its signature, as canonical JSON."""
    body = {k: v for k, v in statement.items() if k != "签名"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature_file(key: PrivateKey, manifests: dict[str, bytes], signed_on: dt.date) -> bytes:
    """签名.json: the signed statement over `manifests` (name → bytes of each manifest and tag manifest)."""
    public = key.public()
    statement: dict = {
        "格式": FORMAT,
        "说明": "对数据包清单的电子签名：清单列出每个文件的 SHA-256 和 SM3 摘要；用签名者提供的公钥（.pub 文件）"
        "运行 huanjie verify 数据包 --key 公钥文件 核对。任何文件、清单或本文件被改动，签名即不能通过核对。",
        "算法": ALGORITHM,
        "签名者": key.signer,
        "公钥指纹": public.fingerprint,
        "签名日期": signed_on.isoformat(),
        "清单": {name: _digests(manifests[name]) for name in sorted(manifests)},
    }
    statement["签名"] = base64.b64encode(key.sign(_payload(statement))).decode("ascii")
    return (json.dumps(statement, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass
class Statement:
    """签名.json as read back: who signed, with which key, what the manifests' digests were, and the signature."""

    signer: str
    fingerprint: str
    date: str
    digests: dict[str, dict[str, str]]
    signature: bytes
    payload: bytes

    def check(self, key: PublicKey) -> str:
        """ "" when `key` verifies the signature; otherwise why not (Chinese)."""
        if key.fingerprint != self.fingerprint:
            return (
                f"签名使用的公钥（指纹 {self.fingerprint[:23]}…，签名者“{self.signer}”）不是给出的公钥"
                f"（指纹 {key.fingerprint[:23]}…，签名者“{key.signer}”）：数据包不是用这把公钥对应的私钥签名的，"
                "或签名文件被改动"
            )
        if not key.verify(self.signature, self.payload):
            return "签名无效：签名文件或清单在签名之后被改动过（签名与内容对不上）"
        return ""


def read_statement(data: bytes) -> Statement:
    """Parse 签名.json; `ValueError` with a Chinese reason when it is not one."""
    try:
        statement = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("不是有效的 JSON") from None
    if not isinstance(statement, dict) or statement.get("格式") != FORMAT:
        raise ValueError(f"不是 huanjie 的签名文件（“格式”应为“{FORMAT}”）")
    if statement.get("算法") != ALGORITHM:
        raise ValueError(f"签名算法为“{statement.get('算法')}”，本程序只核对 {ALGORITHM}")
    try:
        signature = base64.b64decode(str(statement["签名"]), validate=True)
        digests = statement["清单"]
        if not isinstance(digests, dict) or not all(isinstance(v, dict) for v in digests.values()):
            raise TypeError
        return Statement(
            signer=str(statement["签名者"]),
            fingerprint=str(statement["公钥指纹"]),
            date=str(statement.get("签名日期", "")),
            digests=digests,
            signature=signature,
            payload=_payload(statement),
        )
    except (KeyError, TypeError, ValueError):
        raise ValueError("缺少签名者、公钥指纹、清单或签名，或其格式不对") from None
