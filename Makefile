# 乡村振兴指标看板 — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
DB := data/rural.db
PORT ?= 8501
ADDRESS ?= 127.0.0.1
DEB_RUN := chromium fonts-noto-cjk
DEB_TEST := chromium fonts-noto-cjk postgresql libreoffice-writer-nogui libreoffice-impress-nogui poppler-utils

.PHONY: run test setup sysdeps-run sysdeps-test db samples bench clean

## run: set up, build the sample database if missing, start the dashboard on :$(PORT)
run: sysdeps-run setup db
	$(BIN)/streamlit run server.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true \
	  --server.maxUploadSize $$($(BIN)/python -c "from rural.settings import get_settings; print(get_settings().limits.max_upload_mb)")

## test: set up (browser, fonts, PostgreSQL when root) and run the whole test suite
test: sysdeps-test setup
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

setup: $(STAMP)

$(STAMP): requirements.txt
	@$(PY) -m venv --help >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; }
	[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# Debian packages: installed only when missing and running as root; otherwise say what is needed.
define need_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "需要 Debian 软件包：$$missing（请以 root 运行或手工安装）"; fi; \
	fi
endef

sysdeps-run:
	$(call need_debs,$(DEB_RUN))

sysdeps-test:
	$(call need_debs,$(DEB_TEST))

## db: build data/rural.db from the bundled sample workbooks when it does not exist (or has an older schema)
db: setup
	@if [ -f $(DB) ] && ! $(BIN)/python -c "import sys; from rural.db import schema_current; sys.exit(0 if schema_current('sqlite:///$(DB)') else 1)"; then \
	  echo "示例数据库 $(DB) 是旧版本的表结构，重建"; rm -f $(DB) $(DB)-wal $(DB)-shm; \
	fi
	@if [ ! -f $(DB) ]; then \
	  $(BIN)/python -m etl sample --out data/samples && \
	  $(BIN)/python -m rural keys mark-sample --db sqlite:///$(DB) && \
	  $(BIN)/python -m etl load data/samples/* --db sqlite:///$(DB); \
	fi
	-@$(BIN)/python -m rural users demo --db sqlite:///$(DB)

samples: setup
	$(BIN)/python -m etl sample --out data/samples

## bench: benchmarks (not part of the tests)
bench: setup
	$(BIN)/python bench/etl_load.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm data/samples/*.xls* data/samples/*.csv
