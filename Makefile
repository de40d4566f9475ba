# 两条命令：make demo（安装并处理示例记录）、make test（安装并运行全部测试）。
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := $(wildcard samples/*.yaml)

.PHONY: demo test lint install sysdeps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

# LibreOffice, poppler and CJK fonts for the PDF tests (apt-get when missing).
sysdeps:
	bash tools/system-deps.sh

demo: $(STAMP) sysdeps
	$(BIN)/huanjie check $(SAMPLES)
	@echo "== 青石县示例（samples/county -> out/county/）：4 个单位故意包含错误，其中 3 个不生成文书"
	@$(BIN)/huanjie batch samples/county -o out/county; test $$? -eq 1
	@echo "== 归档数据包 out/county.zip（PDF/A-2b、档号、元数据、SHA-256 和 SM3 清单），并校验"
	$(BIN)/huanjie archive out/county -o out/county.zip --force
	$(BIN)/huanjie verify out/county.zip
	@for f in $(SAMPLES); do \
	  name=$$(basename $$f .yaml); \
	  echo "== $$f -> out/$$name/"; \
	  $(BIN)/huanjie render $$f -o out/$$name || exit $$?; \
	done
	@echo "== 网页：运行 $(BIN)/huanjie serve samples --open ，在浏览器中打开 http://127.0.0.1:8765/ 查看、填写全部示例记录（Ctrl+C 停止）"

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest

# Lint, format and type checks (docs/design.md, "Habits"); .ci/run runs them before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out
