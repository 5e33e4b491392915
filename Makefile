# AccessConsole. `make run` opens the console on the built-in demo sandbox; `make test` runs every test.
SWIFT ?= swift
BIN = .build/debug/access-console

.PHONY: deps build run test unit e2e bench tsan clean

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

run: build
	$(BIN) demo

unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

e2e: build
	@bash scripts/ensure-deps.sh browser
	bash Tests/e2e/no-fixed-ports.sh
	bash Tests/e2e/readme-service.sh
	bash Tests/e2e/crash-test.sh
	bash Tests/e2e/batch-crash-test.sh
	bash Tests/e2e/console-e2e.sh
	bash Tests/e2e/selfservice-browser.sh

test: unit e2e

bench: deps
	$(SWIFT) build -c release
	.build/release/access-console bench; s=$$?; \
	  BIN=.build/release/access-console bash Tests/e2e/console-bench.sh || s=1; \
	  BIN=.build/release/access-console bash Tests/e2e/console-felt-bench.sh || s=1; \
	  exit $$s

tsan: deps
	SWIFT=$(SWIFT) bash scripts/tsan.sh

clean:
	rm -rf .build .build-tsan
