# Makefile - builds cw and libcw, installs what is missing, runs the tests.
#
#   make            build build/cw and build/libcw.a
#   make deps       install missing Debian packages and the Node oracle
#                   (and chromium for the browser test, if it can)
#   make run        the main job on the bundled fixture project; prints
#                   where the HTML pages are, opens nothing
#   make test       every test: unit suites, case folders, conformance
#   make load-test  8 migrators and 4 auditors on one WAL database, 60 s
#   make coverage   line/branch coverage of lib/ under reports/coverage
#   make sanitize   the whole suite under ASan + UBSan (make test runs the
#                   unit suites under them)
#   make valgrind   lib suites and cw cases under memcheck (slow; a short
#                   part runs in make test)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make bench      benchmarks (ratios against peers), not part of test

BUILD    ?= build
CC       ?= cc
PKGS     := libcjson check openssl
WERROR   ?= -Werror
OPT      ?= -O2 -g
override CFLAGS += $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) $(EXTRA_CFLAGS)
override LDFLAGS += $(EXTRA_LDFLAGS)

# SQLite is production's: the amalgamation and compile options that the
# pinned better-sqlite3 package bundles (deps/sqlite3/sqlite3.c and
# deps/defines.gypi), fetched with npm, checked against the integrity that
# cases/oracle/package-lock.json records, and built once per version under
# build/sqlite/ (shared by every BUILD, never instrumented).  Another
# release: `make BETTER_SQLITE3=12.4.1` (integrity then comes from npm).
LOCK_BSQ := $(shell sed -n '/"node_modules\/better-sqlite3"/,/}/p' \
	cases/oracle/package-lock.json 2>/dev/null)
PINNED_BSQ := $(shell echo '$(LOCK_BSQ)' | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
PINNED_SUM := $(shell echo '$(LOCK_BSQ)' | sed -n 's/.*"integrity": *"\([^"]*\)".*/\1/p')
BETTER_SQLITE3 ?= $(PINNED_BSQ)
SQLITE_DIR := build/sqlite/better-sqlite3-$(BETTER_SQLITE3)
SQLITE_LIB := $(SQLITE_DIR)/libsqlite3.a

PKG_CFLAGS = -I$(SQLITE_DIR) $(shell pkg-config --cflags libcjson openssl 2>/dev/null)
PKG_LIBS   = $(SQLITE_LIB) $(shell pkg-config --libs libcjson libcrypto 2>/dev/null) -lpthread -ldl -lm
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

.PHONY: all deps deps-system deps-node deps-browser run test unit cases kill-test kill-test-migrate load-test load-test-short conformance \
	readme-check fuzz fuzz-short browser-test ci-templates \
	hook-test install-test install man completion FORCE \
	coverage sanitize sanitize-unit valgrind valgrind-short deps-valgrind bench clean readme-codes codes-h codes-check

all: $(BUILD)/cw $(BUILD)/libcw.a

# The git revision `cw --version` names; the header changes only when the
# revision does, so an unchanged tree relinks nothing.
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/gitrev.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define CW_GIT_REV "$(GIT_REV)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/obj/harness/main.o: $(BUILD)/gitrev.h
$(BUILD)/obj/harness/main.o: PKG_CFLAGS += -include $(BUILD)/gitrev.h
FORCE:

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h harness/*.h) $(SQLITE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libcw.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/cw: $(HAR_OBJ) $(BUILD)/libcw.a $(SQLITE_LIB)
	$(CC) $(CFLAGS) -o $@ $(HAR_OBJ) $(BUILD)/libcw.a $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/unit/%: cases/unit/%.c $(wildcard cases/unit/*.h) $(BUILD)/libcw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libcw.a \
		$(CHECK_LIBS) $(PKG_LIBS) $(LDFLAGS)

# ---- installing: cw, libcw (static and shared), headers, man page ----
PREFIX   ?= /usr/local
DESTDIR  ?=
VERSION  := $(shell sed -n 's/^\#define CW_VERSION "\(.*\)"/\1/p' harness/cmds.h)
LIB_PIC  := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
SQLITE_PIC := $(SQLITE_DIR)/libsqlite3-pic.a
PUB_H    := $(filter-out %_int.h,$(wildcard lib/*.h))

$(BUILD)/pic/%.o: %.c $(wildcard lib/*.h) $(SQLITE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC $(PKG_CFLAGS) -c $< -o $@

# A shared library needs SQLite compiled position-independent: a second
# archive from the same source and defines (folders made before it was
# kept are fetched again).
$(SQLITE_PIC): $(SQLITE_LIB)
	@[ -f $(SQLITE_DIR)/sqlite3.c ] || { echo "make: $(SQLITE_DIR) has \
	no sqlite3.c: fetching it again"; rm -rf $(SQLITE_DIR); \
	$(MAKE) --no-print-directory $(SQLITE_LIB); }
	@echo "make: compiling SQLite position-independent (about a minute)"
	@set -e; tmp=$$(mktemp -d build/sqlite-pic.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	$(CC) -O2 -w -DNDEBUG -fPIC $$(cat $(SQLITE_DIR)/defines.txt) \
	  -c $(SQLITE_DIR)/sqlite3.c -o $$tmp/sqlite3.o; \
	(cd $$tmp && ar x $(CURDIR)/$(SQLITE_LIB) origin.o); \
	ar rcs $$tmp/pic.a $$tmp/sqlite3.o $$tmp/origin.o; mv $$tmp/pic.a $@

# Linked with SQLite inside: a program using libcw runs production's
# SQLite, whatever the system has.
# The soname carries the major version: a program built against libcw.so.0
# never loads an incompatible libcw.so.1.
SONAME = libcw.so.$(firstword $(subst ., ,$(VERSION)))
$(BUILD)/libcw.so: $(LIB_PIC) $(SQLITE_PIC)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $(LIB_PIC) $(SQLITE_PIC) \
	  $(shell pkg-config --libs libcjson libcrypto 2>/dev/null) \
	  -lpthread -ldl -lm $(LDFLAGS)

# The installed static library carries SQLite too (no second archive).
$(BUILD)/dist/libcw.a: $(LIB_OBJ) $(SQLITE_LIB)
	@mkdir -p $(dir $@); rm -f $@
	@set -e; tmp=$$(mktemp -d $(BUILD)/dist/sq.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; (cd $$tmp && ar x $(CURDIR)/$(SQLITE_LIB)); \
	ar rcs $@ $(LIB_OBJ) $$tmp/*.o

# The man page and completion come from the built binary's own tables.
$(BUILD)/cw.1: $(BUILD)/cw
	$(BUILD)/cw help --man > $@.tmp && mv $@.tmp $@
man: $(BUILD)/cw.1

$(BUILD)/cw.bash: $(BUILD)/cw
	$(BUILD)/cw help --completion > $@.tmp && mv $@.tmp $@
completion: $(BUILD)/cw.bash

install: $(BUILD)/cw $(BUILD)/dist/libcw.a $(BUILD)/libcw.so $(BUILD)/cw.1 \
		$(BUILD)/cw.bash
	@set -e; d=$(DESTDIR)$(PREFIX); \
	install -d $$d/bin $$d/lib/pkgconfig $$d/include/cw \
	  $$d/share/man/man1 $$d/share/bash-completion/completions; \
	install -m 755 $(BUILD)/cw $$d/bin/cw; \
	install -m 644 $(BUILD)/dist/libcw.a $$d/lib/libcw.a; \
	install -m 755 $(BUILD)/libcw.so $$d/lib/libcw.so.$(VERSION); \
	ln -sf libcw.so.$(VERSION) $$d/lib/$(SONAME); \
	ln -sf $(SONAME) $$d/lib/libcw.so; \
	install -m 644 $(PUB_H) $(SQLITE_DIR)/sqlite3.h $$d/include/cw/; \
	install -m 644 $(BUILD)/cw.1 $$d/share/man/man1/cw.1; \
	install -m 644 $(BUILD)/cw.bash \
	  $$d/share/bash-completion/completions/cw; \
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	  'includedir=$${prefix}/include' '' 'Name: cw' \
	  'Description: libcw, drizzle-kit SQLite migration checks (with production'"'"'s SQLite)' \
	  'Version: $(VERSION)' 'Requires.private: libcjson libcrypto' \
	  'Cflags: -I$${includedir}/cw' 'Libs: -L$${libdir} -lcw' \
	  'Libs.private: -lpthread -ldl -lm' > $$d/lib/pkgconfig/cw.pc; \
	echo "make install: cw $(VERSION) in $$d"

# Installs into a temporary prefix and builds a program against libcw.
install-test: $(BUILD)/cw
	@CW_BUILD=$(BUILD) cases/install/install-test.sh

# ---- production's SQLite ----
# Written to a temporary folder and renamed, so an interrupted or concurrent
# build never leaves a half-made library behind.
$(SQLITE_LIB):
	@command -v npm >/dev/null || { echo "make: npm is needed to fetch \
	better-sqlite3's SQLite (make deps installs it)"; exit 2; }
	@[ -n "$(BETTER_SQLITE3)" ] || { echo "make: no better-sqlite3 \
	version (cases/oracle/package-lock.json unreadable?)"; exit 2; }
	@set -e; tmp=$$(mktemp -d build/sqlite.XXXXXX 2>/dev/null || \
	  { mkdir -p build; mktemp -d build/sqlite.XXXXXX; }); \
	trap 'rm -rf "$$tmp"' EXIT; \
	echo "make: fetching better-sqlite3@$(BETTER_SQLITE3) for its SQLite"; \
	( cd $$tmp && npm pack better-sqlite3@$(BETTER_SQLITE3) \
	  --loglevel=error >/dev/null ); \
	tgz=$$tmp/better-sqlite3-$(BETTER_SQLITE3).tgz; \
	sum="sha512-$$(openssl dgst -sha512 -binary $$tgz | base64 -w0)"; \
	if [ "$(BETTER_SQLITE3)" = "$(PINNED_BSQ)" ]; then \
	  [ "$$sum" = "$(PINNED_SUM)" ] || { echo "make: better-sqlite3 \
	$(BETTER_SQLITE3) does not match the integrity in \
	cases/oracle/package-lock.json"; exit 2; }; \
	  how="integrity checked against cases/oracle/package-lock.json"; \
	else how="integrity $$sum as served by npm"; fi; \
	tar -xzf $$tgz -C $$tmp package/deps/defines.gypi \
	  package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h; \
	defs=$$(sed -n "s/^ *'\([A-Z_0-9]*\(=[^']*\)\{0,1\}\)',\{0,1\}$$/-D\1/p" \
	  $$tmp/package/deps/defines.gypi); \
	[ -n "$$defs" ] || { echo "make: no defines in defines.gypi"; exit 2; }; \
	echo "$$defs" > $$tmp/defines.txt; \
	echo "make: compiling SQLite from better-sqlite3 $(BETTER_SQLITE3) \
	(about a minute)"; \
	$(CC) -O2 -w -DNDEBUG $$defs -c $$tmp/package/deps/sqlite3/sqlite3.c \
	  -o $$tmp/sqlite3.o; \
	printf '%s\n' '/* generated by the Makefile: where SQLite came from */' \
	  'const char cw_sqlite_origin[] = "better-sqlite3 $(BETTER_SQLITE3) \
	(deps/sqlite3/sqlite3.c with deps/defines.gypi; '"$$how"')";' \
	  > $$tmp/origin.c; \
	$(CC) -c $$tmp/origin.c -o $$tmp/origin.o; \
	ar rcs $$tmp/libsqlite3.a $$tmp/sqlite3.o $$tmp/origin.o; \
	mkdir -p $$tmp/out; \
	mv $$tmp/libsqlite3.a $$tmp/package/deps/sqlite3/sqlite3.h \
	  $$tmp/package/deps/sqlite3/sqlite3.c $$tmp/defines.txt $$tmp/out/; \
	mkdir -p build/sqlite; rm -rf $(SQLITE_DIR); mv $$tmp/out $(SQLITE_DIR)

# ---- set-up: install only what is missing ----
deps: deps-system deps-node deps-browser

deps-system:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="pkg-config"; \
	for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || \
	  case $$p in libcjson) missing="$$missing libcjson-dev";; \
	    check) missing="$$missing check";; \
	    openssl) missing="$$missing libssl-dev";; esac; done; \
	command -v lcov >/dev/null || missing="$$missing lcov"; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	command -v clang >/dev/null || missing="$$missing clang"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    $$missing >/dev/null || exit 1; \
	fi

# Chromium is only for the browser test, which skips without it: a failed
# install (no network, no sudo) is said and is not an error.  sudo -n, so
# that it never waits for a password.
deps-browser:
	@command -v chromium >/dev/null || command -v chromium-browser \
	  >/dev/null || { echo "make deps: installing chromium (browser test)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	  { $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium >/dev/null; } || echo "make deps: chromium could not be" \
	    "installed; the browser test will be skipped"; }

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
	$(BUILD)/cw replay $(FIXTURE) --rows 200 --report reports/replay
	$(BUILD)/cw migrate --db $(BUILD)/run/fixture.db --migrations $(FIXTURE)
	$(BUILD)/cw migrate --db $(BUILD)/run/fixture.db --migrations $(FIXTURE) \
		--dry-run --format json > reports/migrate/report.json
	$(BUILD)/cw fixtures build $(FIXTURE) -o $(BUILD)/run/fixture-data.db \
		--rows 200 --force
	@mkdir -p reports/backfill-metrics
	sqlite3 $(BUILD)/run/fixture-data.db "DELETE FROM agent_metrics" # the generator's rows stand for nothing: start as the migration leaves the table
	$(BUILD)/cw backfill-metrics --db $(BUILD)/run/fixture-data.db \
		--format json > reports/backfill-metrics/report.json
	$(BUILD)/cw verify-metrics --db $(BUILD)/run/fixture-data.db \
		--report reports/verify-metrics
	$(BUILD)/cw fixtures build $(FIXTURE) --prefix 28 --rows 200 \
		-o $(BUILD)/run/fixture-old.db --force
	$(BUILD)/cw audit --db $(BUILD)/run/fixture-old.db $(FIXTURE) \
		--report reports/audit || [ $$? = 1 ]
	@echo "make run: database $(BUILD)/run/fixture.db; reports in reports/check, reports/replay, reports/migrate, reports/backfill-metrics, reports/verify-metrics and reports/audit"
	@for p in reports/check reports/replay reports/verify-metrics reports/audit; do \
	  echo "make run: page $(CURDIR)/$$p/index.html (summary.md beside it)"; \
	  done
	@echo "make run: database with 200 rows per table $(BUILD)/run/fixture-data.db;" \
		"its expected backfill counts $(BUILD)/run/fixture-data.db.expected.json"

# ---- tests ----
# Two lanes on the two cores: the sanitizer, fuzz and memcheck passes
# (CPU-bound, no timing in them) run beside the rest; their output is
# printed once the first lane is done, so the two never interleave.
TEST_LANE_A = readme-check cases kill-test load-test-short hook-test \
	install-test conformance browser-test ci-templates
TEST_LANE_B = sanitize-unit fuzz-short valgrind-short
test: deps deps-valgrind
	@$(MAKE) --no-print-directory all
	@log=$(BUILD)/test.log; \
	{ $(MAKE) --no-print-directory $(TEST_LANE_B) >$$log.b 2>&1; \
	  echo $$? >$$log.b.rc; } & \
	{ $(MAKE) --no-print-directory $(TEST_LANE_A) 2>&1; \
	  echo $$? >$$log.rc; } | tee $$log; \
	wait; echo "make test: the second lane ($(TEST_LANE_B)):"; \
	tee -a $$log <$$log.b; \
	[ "$$(cat $$log.rc)" = 0 ] && [ "$$(cat $$log.b.rc)" = 0 ] || exit 1; \
	skipped=$$(sed -n 's/^SKIP \([^: ]*\).*/\1/p' $$log); \
	if [ -z "$$skipped" ]; then echo "make test: all suites passed"; else \
	  n=$$(echo "$$skipped" | wc -l | tr -d ' '); p=parts; \
	  [ "$$n" -eq 1 ] && p=part; \
	  echo "make test: passed, with $$n $$p skipped:" \
	    "$$(echo "$$skipped" | paste -s -d, - | sed 's/,/, /g')"; fi

unit: codes-check $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
	  CK_FORK=yes FIXTURES=$(CURDIR)/fixtures SHARED=$(CURDIR)/../shared \
	  $$t || { echo "unit suite failed: $$t"; exit 1; }; done

cases: $(BUILD)/cw
	@cases/run-cases-selftest
	@if [ -x cases/run-cases ]; then CW=$(BUILD)/cw cases/run-cases; fi

# cw backfill-metrics SIGKILLed 20 times at random moments (about 20 s),
# and cw migrate 8 times in a batch of 300 migrations (about 10 s);
# kill-test-migrate kills cw migrate 30 times (about 40 s).
kill-test: $(BUILD)/cw
	@CW=$(BUILD)/cw cases/backfill/kill-test.sh
	@CW=$(BUILD)/cw KILLS=8 cases/migrate/kill-test.sh

kill-test-migrate: $(BUILD)/cw
	@CW=$(BUILD)/cw KILLS=30 cases/migrate/kill-test.sh

# 8 cw migrate and 4 cw audit processes on one WAL database while a writer
# appends chunks (cases/load/load-test.sh): 60 s, or 10 s in make test.
load-test: $(BUILD)/cw
	@CW=$(BUILD)/cw LOAD_SECONDS=60 LOAD_WORK=$(BUILD)/load cases/load/load-test.sh

load-test-short: $(BUILD)/cw
	@CW=$(BUILD)/cw LOAD_SECONDS=10 LOAD_WORK=$(BUILD)/load cases/load/load-test.sh

# index.html in headless Chromium (SKIP without it), a few seconds.
browser-test: $(BUILD)/cw
	@CW=$(BUILD)/cw cases/browser/browser-test.sh

# The cw commands of the CI templates in docs/ci/, run on the fixture.
ci-templates: $(BUILD)/cw
	@CW=$(BUILD)/cw cases/ci/test-templates.sh

# The pre-commit hook in throwaway git repositories (a few seconds).
hook-test: $(BUILD)/cw
	@CW=$(BUILD)/cw cases/hook/hook-test.sh

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
		all unit cases hook-test ci-templates conformance
	@mkdir -p reports/coverage
	@lcov --quiet --capture --directory build/cov/obj/lib \
		--rc lcov_branch_coverage=1 -o build/cov/lib.info 2>&1 | grep -v "redefined at" || true
	@genhtml --quiet --branch-coverage build/cov/lib.info \
		-o reports/coverage >/dev/null
	@lcov --summary --rc lcov_branch_coverage=1 build/cov/lib.info 2>&1 \
		| grep -E "lines|branches" | sed 's/^ */lib\/ /'
	@echo "HTML report: reports/coverage/index.html"

# ASan + UBSan: make sanitize runs the whole suite on build/san;
# sanitize-unit, part of make test, runs the lib unit suites there.
SAN_MAKE = $(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g" \
	EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	EXTRA_LDFLAGS="-fsanitize=address,undefined"
sanitize: deps
	@$(SAN_MAKE) all unit cases hook-test ci-templates conformance
	@echo "make sanitize: clean"

sanitize-unit: deps
	@$(SAN_MAKE) -j2 all $(UNIT_BIN:$(BUILD)/%=build/san/%)
	@$(SAN_MAKE) unit
	@echo "make sanitize-unit: the unit suites are clean under ASan + UBSan"

# The lib unit suites and the cw case folders under valgrind memcheck
# (cases/valgrind/memcheck.sh): any memory error or definite leak fails the
# suite or the case.  make valgrind runs every suite and every case (long:
# the time is printed); VG_SKIP names suites left out: the *_oom suites
# inject allocation failures by replacing malloc, which memcheck replaces
# too, so they cannot run under it.  valgrind-short, part of make test,
# runs the suites that take seconds under memcheck and one case or more of
# every group (VG_SHORT_CASES).
VG_SKIP ?= check_folder_oom check_schema_oom
VG_SLOW = check_agentlog check_datagen check_replay check_metrics_count \
	check_lint_probe check_diskfull check_schema_history check_backfill \
	check_datagen_build check_lint
VG_SHORT_CASES = check/00[1-4]\|check/20[01]\|check/30[0-2]\|migrate/00[12]\|replay/001\|audit/00[12]\|backfill/001\|fixtures/002\|drift/001\|bad-input/001\|bad-input/051\|bad-input/086\|bad-input/104
valgrind: deps-valgrind all $(UNIT_BIN)
	@VG_SKIP="$(VG_SKIP)" cases/valgrind/memcheck.sh $(BUILD)

valgrind-short: deps-valgrind all $(UNIT_BIN)
	@VG_SKIP="$(VG_SKIP) $(VG_SLOW)" VG_CASES='$(VG_SHORT_CASES)' \
	  VG_WORK=$(BUILD)/valgrind-short cases/valgrind/memcheck.sh $(BUILD)

deps-valgrind:
	@command -v valgrind >/dev/null || { \
	  echo "make deps: installing valgrind"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    valgrind >/dev/null || exit 1; }

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

# lib/codes.h's constants (#define CW_J001 "J001") are generated from the
# table in lib/codes.c; codes-check fails, printing the fix, when a code in
# the table has no constant or a constant has no code in the table, and
# when code in lib/ or harness/ writes a code as a literal (comments may).
CODES_GEN = sed -n 's/^{"\([A-Z][0-9][0-9][0-9]\)",.*/\#define CW_\1 "\1"/p' \
	lib/codes.c
CODES_CUR = awk '/codes:begin/{on=1;next} /codes:end/{on=0} on' lib/codes.h
CODES_LIT = for f in lib/*.[ch] harness/*.[ch]; do \
	  case $$f in lib/codes.[ch]) continue;; esac; \
	  sed -e 's|/\*.*\*/||g' -e 's|/\*.*||' -e 's|^[[:space:]]*\*.*||' \
	    $$f | grep -nE '"[A-Z][0-9]{3}"' | sed "s|^|$$f:|"; done

codes-h:
	@$(CODES_GEN) > lib/codes.h.tmp.gen
	@awk -v gen=lib/codes.h.tmp.gen '/codes:begin/ {print; \
	   while ((getline l < gen) > 0) print l; skip=1; next} \
	   /codes:end/ {skip=0} !skip' lib/codes.h > lib/codes.h.tmp
	@rm -f lib/codes.h.tmp.gen; mv lib/codes.h.tmp lib/codes.h
	@echo "lib/codes.h constants regenerated"

codes-check:
	@mkdir -p $(BUILD)
	@$(CODES_GEN) > $(BUILD)/codes.gen; $(CODES_CUR) > $(BUILD)/codes.cur
	@cmp -s $(BUILD)/codes.gen $(BUILD)/codes.cur || \
	  { echo "lib/codes.h code constants differ from the table in" \
	    "lib/codes.c: run make codes-h"; exit 1; }
	@lit=$$($(CODES_LIT)); [ -z "$$lit" ] || { echo "$$lit"; \
	  echo "diagnostic codes written as literals: use the constants" \
	    "of lib/codes.h (CW_J001, not \"J001\")"; exit 1; }

# Fuzzing: libFuzzer targets over the untrusted-input readers (clang), one
# per cases/fuzz/fuzz_<name>.c, each with its seeds in cases/fuzz/corpus/
# <name>/.  libcw is compiled once for them (build/fuzz/obj, coverage-
# instrumented, ASan + UBSan, UBSan fatal so that a finding stops the
# run); new inputs go to build/fuzz/corpus_<name>, crashes to
# build/fuzz/crash-*.  fuzz-short is the pass `make test` runs: a few
# seconds per target, skipped without clang.
FUZZ_SECONDS ?= 60
FUZZ_SHORT_SECONDS ?= 3
FUZZ_TARGETS := $(patsubst cases/fuzz/fuzz_%.c,%,$(wildcard cases/fuzz/fuzz_*.c))
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_FLAGS = -g -O1 -std=c11 -D_GNU_SOURCE $(FUZZ_SAN)
FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

build/fuzz/obj/%.o: %.c $(wildcard lib/*.h) $(SQLITE_LIB)
	@mkdir -p $(dir $@)
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

# Kept: make would otherwise delete them as intermediate after linking.
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/fuzz_%: cases/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "clang -fsanitize=fuzzer ... -o $@"
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< \
	  $(FUZZ_OBJ) $(PKG_LIBS)

# One target for FUZZ_SECONDS; prints the executions and stops at a crash.
FUZZ_RUN = mkdir -p build/fuzz/corpus_$$t; \
	build/fuzz/fuzz_$$t -max_total_time=$$secs -timeout=10 \
	  -max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	  build/fuzz/corpus_$$t cases/fuzz/corpus/$$t > build/fuzz/$$t.log \
	  2>&1 || { tail -40 build/fuzz/$$t.log; \
	  echo "fuzz $$t: FAILED (log build/fuzz/$$t.log)"; exit 1; }; \
	runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' \
	  build/fuzz/$$t.log); \
	echo "fuzz $$t: $$runs executions in $$secs s, no crash"

fuzz: deps-system $(SQLITE_LIB)
	@command -v clang >/dev/null || { echo "make fuzz: clang is needed"; exit 2; }
	@$(MAKE) -s --no-print-directory $(FUZZ_BIN)
	@set -e; secs=$(FUZZ_SECONDS); for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_RUN); done
	@echo "make fuzz: no crash"

fuzz-short: $(SQLITE_LIB)
	@if ! command -v clang >/dev/null; then \
	  echo "SKIP fuzz-short: clang is not installed (make deps installs it)"; \
	else $(MAKE) -s --no-print-directory $(FUZZ_BIN) && \
	  set -e && secs=$(FUZZ_SHORT_SECONDS) && for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_RUN); done; fi
