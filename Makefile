# ELAAOMS build.  "make" installs missing Debian packages (as root), then
# builds lib/ (build/libelaaoms.a), the nginx module
# (build/nginx/ngx_http_elaaoms_module.so) and the worker (build/elaaoms-worker).
#
#   make                 build everything
#   make test            unit tests, then every t/*.t through prove
#   make unit            unit tests only
#   make run / stop      the product on 127.0.0.1:8080 (see README.md)
#   make SANITIZE=1 unit unit tests under -fsanitize=address,undefined
#   make fuzz            libFuzzer targets for the parsers (clang)
#   NGINX_SRC=/path/to/nginx-x.y.z  build against an upstream source tree
#                                   instead of Debian's nginx-dev headers

SHELL    := /bin/bash
ROOT     := $(CURDIR)
BUILD    := $(ROOT)/build

CC       ?= cc
WARN     := -W -Wall -Wextra -Wpointer-arith -Wno-unused-parameter -Werror
OPT      ?= -O2 -g
CFLAGS_ALL = -std=gnu11 $(OPT) $(WARN) -fPIC -D_GNU_SOURCE -I$(ROOT)/lib
LIBS     := -lhiredis -lyajl -lcurl -lcrypto -lm -lpthread

ifeq ($(SANITIZE),1)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OBJDIR   := $(BUILD)/asan
else
SAN      :=
OBJDIR   := $(BUILD)/obj
endif

LIB_SRCS    := $(wildcard lib/*.c)
LIB_OBJS    := $(patsubst lib/%.c,$(OBJDIR)/lib/%.o,$(LIB_SRCS))
LIB_A       := $(OBJDIR)/libelaaoms.a
WORKER_SRCS := $(wildcard worker/*.c)
WORKER_OBJS := $(patsubst worker/%.c,$(OBJDIR)/worker/%.o,$(WORKER_SRCS))
UNIT_SRCS   := $(wildcard t/unit/test_*.c)
UNIT_BINS   := $(patsubst t/unit/%.c,$(OBJDIR)/unit/%,$(UNIT_SRCS))
MODULE_SRCS := $(wildcard ngx_elaaoms_module/*.c ngx_elaaoms_module/*.h) config

MODULE_SO   := $(BUILD)/nginx/ngx_http_elaaoms_module.so
WORKER_BIN  := $(BUILD)/elaaoms-worker

.PHONY: all deps lib module worker unit test prove run stop fuzz clean

all: deps lib module worker

deps:
	@scripts/install-deps.sh

lib: $(LIB_A) $(BUILD)/libelaaoms.a

$(OBJDIR)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# the archive the nginx config script links (always the plain build)
$(BUILD)/libelaaoms.a: $(patsubst lib/%.c,$(BUILD)/obj/lib/%.o,$(LIB_SRCS))
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# --- nginx module -----------------------------------------------------------

# configure fixes the module's file list: run it again when the list changes
MODULE_LIST := $(BUILD)/module-files.txt
$(shell mkdir -p $(BUILD); echo $(sort $(wildcard ngx_elaaoms_module/*)) $(sort $(wildcard lib/*.h)) > $(MODULE_LIST).new; \
        cmp -s $(MODULE_LIST).new $(MODULE_LIST) || mv $(MODULE_LIST).new $(MODULE_LIST); rm -f $(MODULE_LIST).new)

ifdef NGINX_SRC
NGINX_BIN := $(BUILD)/nginx/nginx
$(BUILD)/nginx/Makefile: config $(MODULE_LIST)
	@mkdir -p $(BUILD)/nginx
	cd $(NGINX_SRC) && ELAAOMS_LIB=$(BUILD)/libelaaoms.a ./configure --with-compat --with-threads \
	    --with-debug --with-http_ssl_module \
	    --add-dynamic-module=$(ROOT) --builddir=$(BUILD)/nginx
	touch $@

$(MODULE_SO): $(BUILD)/nginx/Makefile $(MODULE_SRCS) $(BUILD)/libelaaoms.a
	rm -f $@
	cd $(NGINX_SRC) && $(MAKE) -f $(BUILD)/nginx/Makefile build modules
else
NGINX_BIN := /usr/sbin/nginx
# Debian's nginx-dev route: configure a copy of /usr/share/nginx/src with
# Debian's own flags, so the module is binary compatible with /usr/sbin/nginx
$(BUILD)/nginx/Makefile: config $(MODULE_LIST)
	rm -rf $(BUILD)/nginx-src && mkdir -p $(BUILD)/nginx
	cp -r /usr/share/nginx/src $(BUILD)/nginx-src
	cd $(BUILD)/nginx-src && . ./conf_flags && ELAAOMS_LIB=$(BUILD)/libelaaoms.a ./configure \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="$$(dpkg-buildflags --get CFLAGS) -fPIC" \
	    --with-ld-opt="$$(dpkg-buildflags --get LDFLAGS) -fPIC" \
	    --add-dynamic-module=$(ROOT) --builddir=$(BUILD)/nginx > $(BUILD)/nginx/configure.log
	touch $@

$(MODULE_SO): $(BUILD)/nginx/Makefile $(MODULE_SRCS) $(BUILD)/libelaaoms.a
	rm -f $@
	cd $(BUILD)/nginx-src && $(MAKE) -f $(BUILD)/nginx/Makefile modules
endif

module: $(MODULE_SO)

# --- worker -----------------------------------------------------------------

$(OBJDIR)/worker/%.o: worker/%.c $(wildcard worker/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -c -o $@ $<

$(WORKER_BIN): $(WORKER_OBJS) $(BUILD)/libelaaoms.a
	$(CC) -o $@ $(WORKER_OBJS) $(BUILD)/libelaaoms.a $(LIBS)

worker: $(WORKER_BIN)

# --- tests ------------------------------------------------------------------

$(OBJDIR)/unit/%: t/unit/%.c $(wildcard t/unit/*.h) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -I$(ROOT)/t/unit -o $@ $< $(LIB_A) $(LIBS)

unit: deps $(UNIT_BINS)
	@p=0; f=0; rc=0; \
	for t in $(UNIT_BINS); do \
	    out=$$(cd $(ROOT) && $$t); r=$$?; echo "$$out" | tail -n 1; \
	    [ $$r -ne 0 ] && { rc=1; echo "$$out" | head -n -1; }; \
	    line=$$(echo "$$out" | tail -n 1); \
	    p=$$((p + $$(echo "$$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'))); \
	    f=$$((f + $$(echo "$$line" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/'))); \
	done; \
	echo "unit: $$p passed, $$f failed"; exit $$rc

TEST_ENV = TEST_NGINX_BINARY=$(NGINX_BIN) \
           TEST_NGINX_LOAD_MODULES=$(MODULE_SO) \
           ELAAOMS_ROOT=$(ROOT) ELAAOMS_WORKER=$(WORKER_BIN) \
           ELAAOMS_FIXTURES=$(ROOT)/t/fixtures

prove: all
	@if perl -MTest::Nginx::Socket -e1 2>/dev/null; then inc=""; \
	 else inc="-I$(ROOT)/t/runner"; fi; \
	 $(TEST_ENV) prove $$inc -I$(ROOT)/t/lib t/*.t

test: all unit prove

# --- product ----------------------------------------------------------------

run: all
	@scripts/run.sh start

stop:
	@scripts/run.sh stop

# --- fuzzing ----------------------------------------------------------------

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 30

$(BUILD)/fuzz/%: fuzz/%.c $(LIB_SRCS) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(ROOT)/lib \
	    -D_GNU_SOURCE -o $@ $< $(LIB_SRCS) $(LIBS)

fuzz: deps $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	    mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
	    $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$(basename $$f) \
	        fuzz/seeds/$$(basename $$f) || exit 1; \
	done

clean:
	rm -rf $(BUILD) t/servroot*
