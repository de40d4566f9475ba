"""huanjie keygen: make the Ed25519 key pair (private key file and .pub) that signs archival packages."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import HuanjieError
from ..fsutil import os_reason
from .echo import echo

# The settings of every huanjie command (commands.COMMAND), repeated: commands.py registers this module.
COMMAND: dict[str, Any] = {
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 100},
    "options_metavar": "[选项]",
}


@click.command("keygen", **COMMAND)
@click.option(
    "-o", "--output", required=True, metavar="私钥文件", help="要生成的私钥文件；公钥写在同名的 .pub 文件中。"
)
@click.option("--signer", required=True, metavar="名称", help="签名者名称，随密钥保存，核对时显示，如 青石县民政局。")
@click.option("--force", is_flag=True, help="私钥或公钥文件已存在时覆盖它们。")
def keygen_command(output: str, signer: str, force: bool) -> None:
    """生成给归档数据包签名用的一对密钥（Ed25519）：私钥文件（只有本人可读，权限 0600）和同名的 .pub 公钥文件。

    用 huanjie archive … --sign 私钥文件 签名；把 .pub 公钥交给档案馆，用 huanjie verify 数据包 --key 公钥文件 核对。私钥不要放进数据包，也不要发给别人；丢失后用它签过的数据包仍可用公钥核对，但不能再签新的。

    已有的密钥文件不覆盖（加 --force 覆盖：覆盖后，用旧私钥签的数据包只能用旧公钥核对）。

    退出码：0 已生成；2 文件已存在、名称不对或无法写入。
    """
    from ..archive import sign

    try:
        private, public, key = sign.make_keys(output, signer, force=force)
    except HuanjieError as exc:
        echo(f"错误：{exc}", err=True)
        sys.exit(exc.code)
    except OSError as exc:
        echo(f"错误：无法写入 {exc.filename or output}（{os_reason(exc)}）。", err=True)
        sys.exit(2)
    echo(
        f"已生成私钥 {private}（请妥善保管，不要外传）和公钥 {public}；签名者“{key.signer}”，公钥指纹 {key.fingerprint}。"
    )
