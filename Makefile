# robotui: build, run, test, stress, bench, fuzz, lint.
SHELL := /bin/bash
GO        ?= go
BIN       := bin/robotui
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME  ?= 30s
# make stress: repeats per package, for the slow packages (their tests build
# and drive the binary), and busy loops beside the tests (one per CPU).
STRESS_COUNT      ?= 20
STRESS_SLOW_COUNT ?= 5
STRESS_SLOW       ?= ./cmd/robotui
STRESS_LOAD       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build run test unit e2e e2e-load deploy-check cross stress interop bench fuzz lint clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/robotui

# The console against the built-in simulator: no account, no gateway needed.
run: build
	./$(BIN) --sim

# go vet, the race-checked tests (the fuzz seed corpora and the tmux
# end-to-end test of a race-built binary run here too), and the
# cross-compile check for linux, darwin and windows.
test: unit cross

unit:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

cross:
	@for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do \
		echo "cross-compile $$t"; \
		GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build ./... || exit 1; \
	done

# The binary-level tests alone, against bin/robotui.
e2e: build
	ROBOTUI_E2E_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -v ./cmd/robotui/

# The API load test at the issue's full length (make test runs it for 3 s):
# 50 clients for 30 s, one socket to the gateway, p99 of /v1/state logged;
# and the fan-out's churn test (ten client processes, one SIGKILLed each
# round) for a minute instead of 15 s.
e2e-load:
	ROBOTUI_API_LOAD=30s $(GO) test -count=1 -run TestAPIFiftyClientsOneSocket -v ./cmd/robotui/
	ROBOTUI_FANOUT_LOAD=1m $(GO) test -count=1 -run TestTenClientsChurnOneUpstream -v ./conn/fanout/

# The deploy kit's own checks (promtool, systemd-analyze); .ci/run installs them.
deploy-check: build
	promtool check rules deploy/prometheus/rules.yml
	promtool test rules deploy/prometheus/rules_test.yml
	promtool check config deploy/prometheus/prometheus.yml
	promtool check config deploy/prometheus/compose-prometheus.yml
	deploy/verify-systemd.sh $(BIN)

# Every package's race tests, over and over in shuffled order beside CPU
# load it starts (bounded by timeout, killed on exit), then the tests that
# once flaked, many more times. Not part of test or CI: run it before landing
# a change to tests, timing, concurrency or anything that spawns processes.
# It runs every step and fails if any failed.
stress:
	@set -u; start=$$(date +%s); rc=0; pids=(); \
	trap 'kill $${pids[@]+"$${pids[@]}"} 2>/dev/null; wait; echo "stress: load stopped"' EXIT; \
	trap 'exit 130' INT TERM; \
	for i in $$(seq $(STRESS_LOAD)); do timeout 45m sh -c 'while :; do :; done' & pids+=($$!); done; \
	echo "stress: $(STRESS_LOAD) busy loops running"; \
	run() { echo "stress: go test -race -shuffle=on $$*"; $(GO) test -race -shuffle=on -timeout 30m "$$@" || rc=1; }; \
	run -count=$(STRESS_COUNT) $$($(GO) list ./... | grep -vxF "$$($(GO) list $(STRESS_SLOW))"); \
	run -count=$(STRESS_SLOW_COUNT) $(STRESS_SLOW); \
	run -count=500 -run '^TestKillEndsEveryProcessSharingASocket$$' ./conn/sockets; \
	run -count=1000 -run '^TestSnapshotsCoalesce$$' ./engine; \
	run -count=10 -run '^TestThousandReconnectCycles$$' ./conn; \
	run -count=30 -run '^TestTmux$$' ./ui; \
	run -count=20 -run '^TestE2EConsole(UnderTmux|SIGINT)$$' ./cmd/robotui; \
	if [ $$rc = 0 ]; then verdict=PASS; else verdict=FAIL; fi; \
	echo "stress: $$verdict in $$(( $$(date +%s) - start ))s"; \
	exit $$rc

# An independent TWS API client (@stoqey/ib, from npm) against the simulator,
# and through the fan-out (conn/fanout) while robotui holds the one session.
interop:
	cd conn/ibsim/interop && npm ci --no-audit --no-fund --silent
	ROBOTUI_INTEROP=1 $(GO) test -count=1 -run Interop -v ./conn/ibsim/ ./conn/fanout/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
