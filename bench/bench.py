"""Benchmark: huanjie's renderer and batch against a plain docxtpl loop, in the same run.

    .venv/bin/python bench/bench.py [--units 1000] [--jobs-max N] [--out bench/results.md]

What is measured (all on this machine, same inputs, same contexts):
  A. Rendering per core: every document of every unit of a generated tree, once with
     huanjie's renderer (template compiled once per process) and once with plain docxtpl
     (DocxTemplate(path), render(context, autoescape=True), save) — documents per second.
  B. `huanjie batch` end to end (check + render + report + manifest) with 1..N jobs:
     documents per second, per core, speed-up, and peak memory (largest process).
  C. One 选民名单公告 with a 5,000-voter roll: huanjie vs plain docxtpl.
Figures are reported as ratios against plain docxtpl; the machine is noted with them.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from pipeline import records  # noqa: E402
from pipeline.check import check_data, check_file  # noqa: E402
from pipeline.documents import KINDS, Election, Waiting  # noqa: E402
from pipeline.fsutil import write_atomic  # noqa: E402
from pipeline.render import TEMPLATES_DIR, _compile, compile_template, render_template  # noqa: E402


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def generate_tree(units: int, dest: Path, roll: bool = False) -> Path:
    cmd = [sys.executable, str(ROOT / "tools" / "gen_county.py"), str(dest), "--units", str(units), "--seed", "7"]
    if roll:
        cmd.append("--roll")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return dest


def unit_files(tree: Path) -> list[Path]:
    return sorted(tree.rglob("*.yaml"))


def documents_of(files: list[Path]) -> list[tuple[str, dict]]:
    """(template file, context) of every document of every unit, built once for both renderers."""
    docs = []
    for file in files:
        election = Election.from_check(check_file(str(file)))
        for kind in KINDS:
            try:
                instances = kind.build(election)
            except Waiting:
                continue
            docs.extend((kind.template, inst.context) for inst in instances)
    return docs


def time_huanjie(docs: list[tuple[str, dict]], outdir: Path) -> float:
    start = time.perf_counter()
    compiled: dict[str, object] = {}
    for i, (template, context) in enumerate(docs):
        if template not in compiled:
            compiled[template] = compile_template(TEMPLATES_DIR / template)
        write_atomic(str(outdir / f"{i}.docx"), render_template(compiled[template], context), overwrite=True)
    return time.perf_counter() - start


def time_docxtpl(docs: list[tuple[str, dict]], outdir: Path) -> float:
    start = time.perf_counter()
    for i, (template, context) in enumerate(docs):
        tpl = DocxTemplate(str(TEMPLATES_DIR / template))
        tpl.render(copy.deepcopy(context), autoescape=True)
        tpl.save(str(outdir / f"{i}.docx"))
    return time.perf_counter() - start


def roll_context(voters: int) -> tuple[str, dict]:
    record, _ = records.load(str(ROOT / "samples" / "party-qinghe-branch.yaml"))
    data = copy.deepcopy(record.data)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌海燕德福春梅立新"
    groups = []
    n = 0
    for g in range(50):
        names = []
        for _ in range(voters // 50):
            names.append(surnames[n % len(surnames)] + given[(n * 7) % len(given)] + given[(n * 13 + 5) % len(given)])
            n += 1
        groups.append({"name": f"第{g + 1}党小组", "voters": names})
    data["electorate"] = {"registered": n, "groups": groups}
    election = Election.from_check(check_data(data))
    kind = next(k for k in KINDS if k.key == "voters")
    return kind.template, kind.build(election)[0].context


def best_of(runs: int, fn) -> float:
    return min(fn() for _ in range(runs))


def part_a(tree: Path, sample: int, lines: list[str]) -> None:
    files = unit_files(tree)[:sample]
    docs = documents_of(files)
    with tempfile.TemporaryDirectory() as tmp:
        ours_dir, plain_dir = Path(tmp, "ours"), Path(tmp, "plain")
        ours_dir.mkdir()
        plain_dir.mkdir()
        ours = time_huanjie(docs, ours_dir)
        plain = time_docxtpl(docs, plain_dir)
    lines += [
        "### A. 渲染（单进程，同一批文书，同样的上下文）",
        "",
        f"{len(files)} 个单位、{len(docs)} 份文书。",
        "",
        "| 渲染方式 | 用时 | 文书/秒（每核） | 倍数 |",
        "|---|---|---|---|",
        f"| plain docxtpl（每份加载模板、渲染、保存） | {plain:.2f} s | {len(docs) / plain:.1f} | 1.0× |",
        f"| huanjie（模板每进程编译一次） | {ours:.2f} s | {len(docs) / ours:.1f} | {plain / ours:.1f}× |",
        "",
    ]


def part_c(lines: list[str]) -> None:
    template, context = roll_context(5000)
    with tempfile.TemporaryDirectory() as tmp:
        compiled = compile_template(TEMPLATES_DIR / template)
        render_template(compiled, context)  # warm: compile cost is paid once per process
        ours = best_of(
            3,
            lambda: _timed(
                lambda: write_atomic(str(Path(tmp, "o.docx")), render_template(compiled, context), overwrite=True)
            ),
        )
        cold = _timed(
            lambda: write_atomic(
                str(Path(tmp, "c.docx")),
                render_template(_compile(str(TEMPLATES_DIR / template), template), context),
                overwrite=True,
            )
        )

        def plain_once():
            tpl = DocxTemplate(str(TEMPLATES_DIR / template))
            tpl.render(copy.deepcopy(context), autoescape=True)
            tpl.save(str(Path(tmp, "p.docx")))

        plain = best_of(3, lambda: _timed(plain_once))
    lines += [
        "### C. 5,000 人的选民名单公告",
        "",
        "| 渲染方式 | 用时 | 倍数 |",
        "|---|---|---|",
        f"| plain docxtpl | {plain:.3f} s | 1.0× |",
        f"| huanjie（模板已编译） | {ours:.3f} s | {plain / ours:.1f}× |",
        f"| huanjie（含编译模板） | {cold:.3f} s | {plain / cold:.1f}× |",
        "",
    ]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """Largest resident set of this process or any finished child, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def part_b(tree: Path, jobs_max: int, lines: list[str]) -> None:
    huanjie = ROOT / ".venv" / "bin" / "huanjie"
    exe = str(huanjie) if huanjie.exists() else shutil.which("huanjie")
    rows = []
    base = None
    for jobs in range(1, jobs_max + 1):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp, "out")
            cmd = ["/usr/bin/time", "-f", "%M", exe, "batch", str(tree), "-o", str(out), "--jobs", str(jobs)]
            if not Path("/usr/bin/time").exists():
                cmd = cmd[3:]
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - start
            documents = sum(1 for _ in out.rglob("*.docx"))
            peak = proc.stderr.strip().splitlines()[-1] if cmd[0] == "/usr/bin/time" else "?"
        rate = documents / wall
        base = base or rate
        peak_mb = f"{int(peak) / 1024:.0f} MB" if peak.isdigit() else "—"
        rows.append(
            f"| {jobs} | {wall:.1f} s | {documents} | {rate:.1f} | {rate / jobs:.1f} | {rate / base:.2f}× | {peak_mb} |"
        )
    lines += [
        "### B. huanjie batch（检查 + 渲染 + 报告 + 清单），按进程数",
        "",
        f"{len(unit_files(tree))} 个单位。峰值内存为 /usr/bin/time 报告的最大单个进程常驻内存。",
        "",
        "| 进程数 | 用时 | 文书数 | 文书/秒 | 文书/秒（每核） | 加速比 | 峰值内存 |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="huanjie 与 plain docxtpl 的对比基准测试")
    parser.add_argument("--units", type=int, default=1000, help="生成的单位数（默认 1000）")
    parser.add_argument("--sample", type=int, default=100, help="A 部分用多少个单位对比（默认 100）")
    parser.add_argument("--jobs-max", type=int, default=os.cpu_count() or 1, help="B 部分的最大进程数")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"), help="结果写到这个 Markdown 文件")
    parser.add_argument("--skip-batch", action="store_true", help="不测 B 部分")
    args = parser.parse_args()

    lines = [
        "## 基准测试结果",
        "",
        f"机器：{machine()}。命令：`.venv/bin/python bench/bench.py --units {args.units}`。",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tree = generate_tree(args.units, Path(tmp, "tree"))
        part_a(tree, args.sample, lines)
        if not args.skip_batch:
            part_b(tree, args.jobs_max, lines)
    part_c(lines)
    text = "\n".join(lines)
    print(text)
    Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
