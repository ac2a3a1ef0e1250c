# Makefile - builds cw and libcw, installs what is missing, runs the tests.
#
#   make            build build/cw and build/libcw.a
#   make deps       install missing Debian packages and the Node oracle
#   make run        the main job on the bundled fixture project
#   make test       every test: unit suites, case folders, conformance
#   make coverage   line/branch coverage of lib/ under reports/coverage
#   make sanitize   the whole suite under ASan + UBSan
#   make bench      benchmarks (ratios against peers), not part of test

BUILD    ?= build
CC       ?= cc
PKGS     := sqlite3 libcjson check openssl
WERROR   ?= -Werror
OPT      ?= -O2 -g
override CFLAGS += $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) $(EXTRA_CFLAGS)
override LDFLAGS += $(EXTRA_LDFLAGS)

PKG_CFLAGS = $(shell pkg-config --cflags sqlite3 libcjson openssl 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs sqlite3 libcjson libcrypto 2>/dev/null) -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC  := $(wildcard lib/*.c)
HAR_SRC  := $(wildcard harness/*.c)
UNIT_SRC := $(wildcard cases/unit/check_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
HAR_OBJ  := $(HAR_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:cases/unit/%.c=$(BUILD)/unit/%)

FIXTURE  := fixtures/codewalkers/apps/server/drizzle
NODE     := $(shell command -v node 2>/dev/null)
ORACLE   := cases/oracle

.PHONY: all deps deps-system deps-node run test unit cases conformance readme-check fuzz \
	coverage sanitize bench clean readme-codes

all: $(BUILD)/cw $(BUILD)/libcw.a

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h harness/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libcw.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/cw: $(HAR_OBJ) $(BUILD)/libcw.a
	$(CC) $(CFLAGS) -o $@ $(HAR_OBJ) $(BUILD)/libcw.a $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/unit/%: cases/unit/%.c $(wildcard cases/unit/*.h) $(BUILD)/libcw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libcw.a \
		$(CHECK_LIBS) $(PKG_LIBS) $(LDFLAGS)

# ---- set-up: install only what is missing ----
deps: deps-system deps-node

deps-system:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="pkg-config"; \
	for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || \
	  case $$p in sqlite3) missing="$$missing libsqlite3-dev";; \
	    libcjson) missing="$$missing libcjson-dev";; \
	    check) missing="$$missing check";; \
	    openssl) missing="$$missing libssl-dev";; esac; done; \
	command -v lcov >/dev/null || missing="$$missing lcov"; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    $$missing >/dev/null || exit 1; \
	fi

deps-node: $(if $(NODE),$(ORACLE)/node_modules/.cw-installed)

$(ORACLE)/node_modules/.cw-installed: $(ORACLE)/package-lock.json
	@echo "make deps: npm ci in $(ORACLE) (builds better-sqlite3, ~1 min)"
	cd $(ORACLE) && { npm ci --no-audit --no-fund --loglevel=error || \
	  { echo "make deps: npm ci failed once, retrying"; \
	    npm ci --no-audit --no-fund --loglevel=error; }; }
	@touch $@

# ---- the main job ----
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(BUILD)/run reports/migrate
	@rm -f $(BUILD)/run/fixture.db
	$(BUILD)/cw check $(FIXTURE) --report reports/check
	$(BUILD)/cw migrate --db $(BUILD)/run/fixture.db --migrations $(FIXTURE)
	$(BUILD)/cw migrate --db $(BUILD)/run/fixture.db --migrations $(FIXTURE) \
		--dry-run --format json > reports/migrate/report.json
	@echo "make run: database $(BUILD)/run/fixture.db; reports in reports/check and reports/migrate"

# ---- tests ----
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory readme-check unit cases conformance
	@echo "make test: all suites passed"

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
	  CK_FORK=yes FIXTURES=$(CURDIR)/fixtures SHARED=$(CURDIR)/../shared \
	  $$t || { echo "unit suite failed: $$t"; exit 1; }; done

cases: $(BUILD)/cw
	@if [ -x cases/run-cases ]; then CW=$(BUILD)/cw cases/run-cases; fi

conformance: $(BUILD)/cw
	@if [ -z "$(NODE)" ]; then \
	  echo "SKIP conformance: node is not installed (the drizzle oracle needs Node 20)"; \
	else \
	  node $(ORACLE)/conformance.mjs --cw $(BUILD)/cw --work $(BUILD)/oracle; \
	fi

coverage: deps
	@rm -rf build/cov reports/coverage
	@$(MAKE) --no-print-directory BUILD=build/cov OPT="-O0 -g" \
		EXTRA_CFLAGS="--coverage" EXTRA_LDFLAGS="--coverage" \
		all unit cases conformance
	@mkdir -p reports/coverage
	@lcov --quiet --capture --directory build/cov/obj/lib \
		--rc lcov_branch_coverage=1 -o build/cov/lib.info 2>&1 | grep -v "redefined at" || true
	@genhtml --quiet --branch-coverage build/cov/lib.info \
		-o reports/coverage >/dev/null
	@lcov --summary --rc lcov_branch_coverage=1 build/cov/lib.info 2>&1 \
		| grep -E "lines|branches" | sed 's/^ */lib\/ /'
	@echo "HTML report: reports/coverage/index.html"

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" \
		all unit cases conformance
	@echo "make sanitize: clean"

bench: all
	@set -e; for b in bench/*.sh; do case $$b in */gen-*) continue;; esac; CW=$(BUILD)/cw $$b; done

clean:
	rm -rf build reports/coverage reports/migrate reports/check

# The README's rule list is generated from lib/codes.c.
readme-codes: $(BUILD)/cw
	@awk -v table="$$($(BUILD)/cw codes --markdown)" \
	  '/<!-- codes:begin -->/ {print; print table; skip=1; next} \
	   /<!-- codes:end -->/ {skip=0} !skip' README.md > README.md.tmp
	@mv README.md.tmp README.md
	@echo "README.md rule list regenerated"

readme-check: $(BUILD)/cw
	@$(BUILD)/cw codes --markdown > $(BUILD)/codes.md
	@awk '/<!-- codes:begin -->/{on=1;next} /<!-- codes:end -->/{on=0} on' \
	  README.md | cmp -s - $(BUILD)/codes.md || \
	  { echo "README.md rule list is out of date: run make readme-codes"; exit 1; }

# Fuzzing: libFuzzer targets over the untrusted-input readers (clang).
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined
fuzz: deps-system
	@command -v clang >/dev/null || { echo "make fuzz: clang is needed"; exit 2; }
	@mkdir -p build/fuzz
	@set -e; for t in journal sql; do \
	  clang $(FUZZ_FLAGS) $(PKG_CFLAGS) -o build/fuzz/fuzz_$$t \
	    cases/fuzz/fuzz_$$t.c $(LIB_SRC) $(PKG_LIBS); \
	  mkdir -p build/fuzz/corpus_$$t; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=65536 \
	    build/fuzz/corpus_$$t cases/fuzz/corpus/$$t 2>&1 | tail -3; \
	done
	@echo "make fuzz: no crash"
