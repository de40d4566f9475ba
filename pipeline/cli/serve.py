"""`huanjie serve`: the local web page (pipeline.web) started with uvicorn."""

from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import webbrowser

import click

from .echo import echo


@click.command(
    "serve",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    options_metavar="[选项]",
)
@click.argument("folder", default=".", metavar="[文件夹]", type=click.Path(file_okay=False))
@click.option(
    "--port",
    default=8765,
    metavar="端口",
    type=click.IntRange(0, 65535),
    help="端口（默认 8765）；0 表示自动选一个空闲端口。",
)
@click.option(
    "--host",
    default=None,
    metavar="地址",
    help="让其他电脑也能访问（如 0.0.0.0）；此时须使用启动时显示的访问码。默认只允许本机访问。",
)
@click.option("--open", "open_browser", is_flag=True, help="启动后用浏览器打开页面。")
def serve_command(folder: str, port: int, host: str | None, open_browser: bool) -> None:
    """在本机启动网页：用表单填写记录、就地查看问题、生成和下载文书、批量处理。

    文件夹 是工作文件夹（默认当前文件夹）：网页只读写其中的文件，每次保存前的版本留在其中的 .huanjie-history 文件夹。默认只允许本机（127.0.0.1）访问；加 --host 时另需启动时显示的访问码。按 Ctrl+C 停止。

    退出码：0 正常停止；2 文件夹不存在或端口无法使用。
    """
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as exc:  # pragma: no cover - the dependencies are in pyproject
        echo(f"无法启动网页：缺少 {exc.name}。请运行 pip install -e . 重新安装。", err=True)
        sys.exit(2)
    if not os.path.isdir(folder):
        echo(f"工作文件夹不存在：{folder}", err=True)
        sys.exit(2)
    token = secrets.token_urlsafe(16) if host else None
    bind = host or "127.0.0.1"
    sock = socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bind, port))
    except OSError as exc:
        echo(f"无法使用端口 {port}：{exc.strerror or exc}。请换一个 --port。", err=True)
        sys.exit(2)
    sock.listen(128)  # connections wait in the backlog from now on, before the address is printed
    actual = sock.getsockname()[1]
    shown = "127.0.0.1" if not host or host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{actual}/" + (f"?token={token}" if token else "")
    app = create_app(os.path.abspath(folder), token=token, warm=True)  # type: ignore[arg-type]
    echo(f"huanjie 网页已启动：{url}")
    if token:
        echo(f"访问码：{token}（其他电脑请打开上面的完整地址）")
    echo(f"工作文件夹：{os.path.abspath(folder)}。按 Ctrl+C 停止。")
    sys.stdout.flush()
    if open_browser:
        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover
        pass
