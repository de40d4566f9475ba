"""Benchmark: opening and saving a record with a 5,000-voter roll and 30 candidates through the web page.

    .venv/bin/python bench/bench_web.py [--voters 5000] [--candidates 30] [--repeat 9] [--out bench/results.md]

Issue 16, item 6: the page must feel instant, under 0.3 s per answer on the 2-core build machine. Measured,
median of --repeat runs after one warm-up, on a generated record (the 阳光社区 sample with its roll replaced by
--voters voters in 8 groups, written as `huanjie import` writes them, and --candidates candidates with votes):

  A. the core a request calls: `records.load` (YAML with positions), `check_record` (schema and rules);
  B. the app (`pipeline.web.app.create_app`, Starlette's TestClient, no network): the first GET after a start (with
     the background read `huanjie serve` does, `warm=True`, and without it), a GET again, and POST
     the record form back as the browser would send it (every field as shown, one name changed, csrf included),
     which saves (atomic write, history copy), checks again and answers with the page. The browser's part (reading
     the form off the last answer, an <option> without a value sent as its text) is done between runs, untimed.

The table is written into --out between the markers `<!-- bench_web -->` and `<!-- /bench_web -->` (appended
the first time), so the other benchmarks' sections stay as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from common import ROOT, load, machine, markdown_table, versions, write_section

sys.path.insert(0, str(ROOT))

from pipeline import records  # noqa: E402
from pipeline.check import check_record  # noqa: E402
from pipeline.idnumber import check_digit  # noqa: E402

SAMPLE = ROOT / "samples" / "residents-yangguang.yaml"
TARGET = 0.3
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英志强桂兰海燕明华丽娟卫东晓梅红霞国庆玉兰德胜春燕文斌永红"


def person(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[(n * 7 + 3) % len(GIVEN)]


def id_number(n: int, born: dt.date, male: bool) -> str:
    serial = f"{n % 100:02d}{(n % 5) * 2 + (1 if male else 0)}"
    first = "430101" + born.strftime("%Y%m%d") + serial
    return first + check_digit(first)


def record_text(voters: int, candidates: int) -> str:
    """The 阳光社区 sample with a roll of `voters` voters and `candidates` candidates (all with votes)."""
    text = SAMPLE.read_text(encoding="utf-8")
    head = text[: text.index("seats:")]
    tail = text[text.index("documents:") :]
    posts = [("主任", 1), ("副主任", 2), ("委员", 6)]
    lines = ["seats:"] + [f"  - {{post: {post}, count: {count}}}" for post, count in posts]
    lines += ["", "electorate:", f"  registered: {voters}", "  groups:"]
    groups = 8
    for g in range(groups):
        lines += [f"    - name: 第{g + 1}居民小组", "      voters:"]
        for n in range(g, voters, groups):
            born = dt.date(1940, 1, 1) + dt.timedelta(days=n * 4 % 20000)
            male = n % 2 == 1
            number = id_number(n, born, male)
            lines.append(
                f"        - {{name: 居民{n:05d}, sex: {'男' if male else '女'}, birth: {born.isoformat()}, "
                f"id_number: '{number}', address: 阳光路{n // 10}号}}"
            )
    lines += ["", "candidates:"]
    share = [(post, candidates * count // 9 or 1) for post, count in posts]
    share[-1] = ("委员", candidates - sum(s for _, s in share[:-1]))
    names: dict[str, list[str]] = {}
    n = 0
    for post, count in share:
        for _ in range(count):
            name = person(n)
            names.setdefault(post, []).append(name)
            lines.append(
                f"  - {{name: {name}, gender: {'男' if n % 2 else '女'}, birth: 19{70 + n % 25}-0{1 + n % 9}, "
                f"ethnicity: 汉族, education: 大专, politics: 群众, nominated_by: 十名以上选民联名, post: {post}, "
                f"incumbent: false}}"
            )
            n += 1
    valid = voters * 9 // 10
    lines += [
        "",
        "rounds:",
        "  - type: first",
        "    date: 2026-03-18",
        f"    participants: {valid + 10}",
        f"    ballots: {{issued: {valid + 10}, returned: {valid + 10}, invalid: 10}}",
        "    votes:",
    ]
    for (post, seats), people in zip(posts, names.values(), strict=True):
        # The first `seats` candidates of a post are elected with 60 % of the valid ballots; the others share
        # what is left of the marks (valid ballots x seats), so the tally is one the rules accept.
        rest = len(people) - seats
        tally = [valid * 6 // 10 - i for i in range(seats)]
        tally += [max(valid * 4 * seats // 10 // max(rest, 1) - i - 1, 0) for i in range(rest)]
        votes = ", ".join(f"{name}: {n}" for name, n in zip(people, tally, strict=True))
        lines.append(f"      {post}: {{{votes}}}")
    return head + "\n".join(lines) + "\n\n" + tail


def median(run: Callable[[], object], repeat: int, prepare: Callable[[], object] | None = None) -> tuple[float, float]:
    """(median wall-clock seconds, median CPU seconds of this process) of `repeat` runs after one warm-up.

    The CPU time is what the answer costs when the machine is not shared (the build machine often runs several
    test suites at once; the load average is printed with the table). `prepare` runs before each run, untimed: what
    the browser does between two answers (reading the page's form).
    """
    if prepare is not None:
        prepare()
    run()  # warm-up: imports, schema and template compilation happen once per process
    walls, cpus = [], []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        start, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


class _Form(HTMLParser):
    """The fields of the form that holds the save button, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.option: list[str] | None = None  # the text of an <option> without a value (a browser sends its text)
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = {
                "action": a.get("action", ""),
                "method": a.get("method", "get"),
                "fields": [],
                "save": False,
            }
            self.forms.append(self.current)
        if self.current is None:
            return
        if a.get("id") == "save":
            self.current["save"] = True
        if tag == "input" and "name" in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.current["fields"].append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select" and "name" in a:
            self.select, self.select_value = a["name"], None
        elif tag == "option" and self.select is not None:
            if "selected" in a or self.select_value is None:
                self.select_value = a.get("value")
                self.option = [] if "value" not in a else None
        elif tag == "textarea" and "name" in a:
            self.textarea = a["name"]
            self.current["fields"].append([a["name"], ""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.option is not None:
            self.select_value, self.option = "".join(self.option).strip(), None
        if tag == "select" and self.select is not None and self.current is not None:
            self.current["fields"].append([self.select, self.select_value or ""])
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option.append(data)
        if self.textarea is not None and self.current is not None:
            self.current["fields"][-1][1] += data


def save_form(html: str) -> dict:
    parser = _Form()
    parser.feed(html)
    for form in parser.forms:
        if form["save"]:
            return form
    raise SystemExit('记录页面上没有找到带保存按钮（id="save"）的表单')


def bench_app(workspace: Path, rel: str, repeat: int) -> list[tuple[str, tuple[float, float]]]:
    try:
        from starlette.testclient import TestClient

        from pipeline.web.app import create_app
    except ImportError as exc:
        print(f"未测网页（{exc}）：pipeline.web 还不存在或缺少 Starlette", file=sys.stderr)
        return []
    client = TestClient(create_app(workspace), base_url="http://127.0.0.1", client=("127.0.0.1", 50000))
    url = "/record/" + quote(rel)
    opened = client.get(url)
    opened.raise_for_status()
    form = save_form(opened.text)
    action = form["action"] or url
    fields = form["fields"]
    unit = next(i for i, (name, _) in enumerate(fields) if name == "unit.name")
    registered = next(i for i, (name, _) in enumerate(fields) if name == "electorate.registered")
    state: dict = {"n": 0, "html": opened.text, "fields": []}

    def get() -> None:
        answer = client.get(url)
        answer.raise_for_status()
        state["html"] = answer.text

    def fill(field: int = unit) -> None:
        # The browser's part, untimed: the form as the last answer shows it with one field changed (the unit's name,
        # or the roll's registered count: the part of the text holding the roll), so every save writes the file.
        state["n"] += 1
        current = save_form(state["html"])["fields"]
        if field == unit:
            current[unit][1] = f"阳光第{state['n']}社区居民委员会"
        else:
            current[field][1] = str(int(current[field][1]) + 1)  # never a text read before (the cache would have it)
        state["fields"] = _multi(current)

    def post() -> None:
        answer = client.post(action, data=state["fields"], follow_redirects=True)
        answer.raise_for_status()
        if 'id="save"' not in answer.text:
            raise SystemExit(f"保存后的回答不是记录页面：{answer.status_code} {answer.text[:300]}")
        state["html"] = answer.text

    fresh: dict = {}

    def start(warm: bool) -> None:
        # Untimed: a server just started (`huanjie serve` passes warm=True: the records are read in the background).
        app = create_app(workspace, warm=warm)
        if warm:
            app.state.warming.join()
        fresh["client"] = TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000))

    def first_get() -> None:
        fresh["client"].get(url).raise_for_status()

    kb = len(opened.content) // 1024
    return [
        (
            "GET 记录页面，服务启动后第一次打开（huanjie serve 启动时已在后台预读）",
            median(first_get, repeat, prepare=lambda: start(True)),
        ),
        (
            "GET 记录页面，服务启动后第一次打开，未预读（整份读取和检查）",
            median(first_get, repeat, prepare=lambda: start(False)),
        ),
        (f"GET 记录页面，再次打开（{kb} KB HTML，{len(fields)} 个字段）", median(get, repeat)),
        ("POST 保存表单（写入、留版本、检查、回到页面）", median(post, repeat, prepare=fill)),
        (
            "POST 保存表单，改的是选民登记人数（与选民名单同在 electorate 部分）",
            median(post, repeat, prepare=lambda: fill(registered)),
        ),
    ]


def _multi(fields: list[list[str]]) -> dict[str, list[str] | str]:
    out: dict[str, list[str]] = {}
    for name, value in fields:
        out.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=5000)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results.md"), help="结果写到这个 Markdown 文件（空：不写）"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        rel = "阳光社区.yaml"
        file = workspace / rel
        file.write_text(record_text(args.voters, args.candidates), encoding="utf-8")
        record, found = records.load(str(file))
        if record is None:
            raise SystemExit("生成的记录无法读取：" + "；".join(f.message for f in found))
        result = check_record(record, found)
        errors = sum(f.severity.name == "ERROR" for f in result.findings)
        counts = f"错误 {errors} 个，其他发现 {len(result.findings) - errors} 个"
        loaded = median(lambda: records.load(str(file)), args.repeat)
        checked = median(lambda: check_record(*records.load(str(file))), args.repeat)
        rows = [
            ("核心：读取记录（records.load）", loaded),
            (f"核心：读取并检查（records.load + check_record；{counts}）", checked),
        ]
        rows += bench_app(workspace, rel, args.repeat)

    size = len(record_text(args.voters, args.candidates).encode()) // 1024
    lines = [
        "## 网页：打开和保存一份大记录（bench/bench_web.py）",
        "",
        f"机器：{machine()}；{versions()}。记录：{args.voters} 名选民（8 个小组，含身份证号、出生日期、住址）、"
        f"{args.candidates} 名候选人及得票，YAML {size} KB。每项取 {args.repeat} 次的中位数（先预热一次）。"
        f"目标：每次回答不超过 {TARGET} s。",
        "",
    ]

    def verdict(label: str, cpu: float) -> str:
        return "—" if label.startswith("核心") else ("达到" if cpu <= TARGET else "未达到")

    lines += markdown_table(
        ["操作", "用时（中位数）", "CPU 时间（中位数）", "目标（0.3 s，按 CPU 时间）"],
        ([label, f"{wall * 1000:.0f} ms", f"{cpu * 1000:.0f} ms", verdict(label, cpu)] for label, (wall, cpu) in rows),
    )
    lines += [
        "",
        f"测量时的系统负载（1 分钟平均）：{load()}；负载高于核数时，"
        "用时含等待 CPU 的时间，CPU 时间才是回答本身的花费。保存时只重新读取文本中改动的部分"
        "（records.ParseCache），未改动的部分（如 5,000 名选民）取自上次读取的结果，与整份读取的结果完全相同。",
    ]
    if len(rows) == 2:
        lines += ["", "（网页部分未测：pipeline.web 尚不存在。）"]
    section = "\n".join(lines)
    print(section)
    if args.out:
        write_section(Path(args.out), "bench_web", section)


if __name__ == "__main__":
    main()
