# 两条命令：make demo（安装并处理示例记录）、make test（安装并运行全部测试）。
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/huanjie check samples/

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out
