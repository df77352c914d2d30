# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# xbr: `make` builds build/xbr; `make run` brings up the default lab;
# `make test` runs every test; `make bench` compares with the kernel bridge;
# `make install` / `make uninstall` (PREFIX, DESTDIR, BINDIR, MANDIR,
# BASHCOMPDIR, CNIDIR, SYSTEMDDIR); `make man` regenerates the man page's
# synopsis.
# build/xbr-cni is the CNI plugin (cni/, docs/cni.md), installed as CNIDIR/xbr.
# build/xbr-agent keeps directory uplinks in step with etcd (agent/, docs/multihost.md).
# build/xbr-docker is Docker's network driver "xbr" (docker/, docs/docker.md).
# V=1 shows full commands. CI=true turns warnings into errors. CC, CFLAGS,
# CPPFLAGS, LDFLAGS (Debian's hardening flags among them) are honoured.

BUILD   ?= build
# make's own default for CC is cc: gcc unless CC was given (environment,
# command line).
ifeq ($(origin CC),default)
CC      := gcc
endif
CLANG   ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
INSTALL ?= install
XBR     := $(BUILD)/xbr
XBR_CNI := $(BUILD)/xbr-cni
XBR_AGENT := $(BUILD)/xbr-agent
XBR_DOCKER := $(BUILD)/xbr-docker
XBR_VERSION ?= 0.1.0

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Where container runtimes look for CNI plugins (Debian's; upstream /opt/cni/bin).
CNIDIR  ?= /usr/lib/cni
# systemd units (systemd/): xbr-boot.service brings back /etc/xbr/*.conf at
# boot, xbr-restore.service puts the bridges' nf_tables tables back after
# nftables.service.
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)

# Build paths never reach the outputs (reproducible builds): debug info and
# the BPF objects' BTF line info name files relative to the tree.
PREFIX_MAP := -ffile-prefix-map=$(CURDIR)=.
CFLAGS   ?= -O2 -g
override CPPFLAGS += -Iinclude -Iuser -I$(BUILD) -DXBR_VERSION=\"$(XBR_VERSION)\"
override CFLAGS += -std=gnu11 -Wall -Wextra -MMD -MP $(PREFIX_MAP)
# -g for BTF; the DWARF is stripped after compiling (BTF stays).
BPF_CFLAGS := -g -O2 -target bpf -Wall -Wextra -Wno-unused-parameter \
	      -Iinclude -Ibpf -I$(ARCH_INC) -MMD -MP $(PREFIX_MAP)
ifeq ($(CI),true)
override CFLAGS += -Werror
BPF_CFLAGS += -Werror
endif
# Only what xbr calls: libbpf's own libelf and zlib come with libbpf.so.
LDLIBS   := $(shell $(PKG_CONFIG) --libs libbpf libmnl libnftables 2>/dev/null || echo -lbpf -lmnl -lnftables) -pthread

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
# The library (user/): every object of it in one static archive, linked by
# each front-end in a folder of its own: the CLI (cli/), the CNI plugin
# (cni/), the directory agent (agent/). A program pulls only the members it
# needs; no front-end's objects are in the library.
LIB_SRCS  := $(wildcard user/*.c)
LIB_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(LIB_SRCS))
LIBXBR    := $(BUILD)/libxbr.a
# The CLI, also archived so that its unit tests link what they test (the
# archive's main.o is never pulled into a program that has a main).
CLI_SRCS  := $(wildcard cli/*.c)
CLI_OBJS  := $(patsubst cli/%.c,$(BUILD)/cli/%.o,$(CLI_SRCS))
CLI_AR    := $(BUILD)/libxbr-cli.a
# The CNI plugin: its own main over the library, plus jansson (the JSON
# library of every front-end: the CLI writes its -j output with it too).
CNI_SRCS  := $(wildcard cni/*.c)
CNI_OBJS  := $(patsubst cni/%.c,$(BUILD)/cni/%.o,$(CNI_SRCS))
CNI_PURE  := $(BUILD)/cni/conf.o $(BUILD)/cni/result.o
CNI_LIBS  := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
# The directory agent: its own main and etcd client over the library, plus
# libcurl (etcd's JSON gateway) and jansson.
AGENT_SRCS := $(wildcard agent/*.c)
AGENT_OBJS := $(patsubst agent/%.c,$(BUILD)/agent/%.o,$(AGENT_SRCS))
AGENT_LIBS := $(CNI_LIBS) $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
# The Docker plugin: its own main over the library, plus libmicrohttpd (the
# HTTP server of Docker's plugin protocol), libcurl (dockerd's API, for
# container names) and jansson.
DOCKER_SRCS := $(wildcard docker/*.c)
DOCKER_OBJS := $(patsubst docker/%.c,$(BUILD)/docker/%.o,$(DOCKER_SRCS))
DOCKER_PURE := $(BUILD)/docker/api.o
DOCKER_LIBS := $(AGENT_LIBS) $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# test_parse's cases, by parser, beside its case list (tests/unit/test_parse.c).
PARSE_UNIT_SRCS := $(wildcard tests/unit/parse_*.c)
# These two binaries are compiled from several sources in one command, whose
# dependency file keeps only the last source's headers: their own headers are
# listed as prerequisites instead.
DP_SRCS   := $(wildcard tests/datapath/*.c)
DP_BIN    := $(BUILD)/tests/test_datapath

.DELETE_ON_ERROR:
# The BPF objects are kept: they are what the skeletons embed.
.SECONDARY: $(BPF_OBJS)
.PHONY: all deps run test check san fuzz unit datapath integration bench bench-dp bench-smoke clean \
	lab-down install uninstall man

all: $(XBR) $(XBR_CNI) $(XBR_AGENT) $(XBR_DOCKER)

deps:
	@tools/deps.sh build

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(basename $(basename $<))) > $@

$(BUILD)/user/%.o: user/%.c | $(SKELS) $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBXBR): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/cli/%.o: cli/%.c | $(SKELS) $(BUILD)/cli
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Icli -c $< -o $@

$(CLI_AR): $(CLI_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(XBR): $(CLI_OBJS) $(LIBXBR)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(CNI_LIBS) -o $@

$(BUILD)/cni/%.o: cni/%.c | $(SKELS) $(BUILD)/cni
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Icni -c $< -o $@

$(XBR_CNI): $(CNI_OBJS) $(LIBXBR)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(CNI_LIBS) -o $@

$(BUILD)/agent/%.o: agent/%.c | $(SKELS) $(BUILD)/agent
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Iagent -c $< -o $@

$(XBR_AGENT): $(AGENT_OBJS) $(LIBXBR)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(AGENT_LIBS) -o $@

$(BUILD)/docker/%.o: docker/%.c | $(SKELS) $(BUILD)/docker
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Idocker -c $< -o $@

$(XBR_DOCKER): $(DOCKER_OBJS) $(LIBXBR)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(DOCKER_LIBS) -o $@

# The Docker plugin's pure half (requests, answers) has its own unit test.
$(BUILD)/tests/test_docker: tests/unit/test_docker.c $(DOCKER_PURE) $(LIBXBR) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Idocker $< $(DOCKER_PURE) $(LIBXBR) \
		$(LDLIBS) $(CNI_LIBS) -lcmocka -o $@

# The CNI plugin's pure half (configuration, results) has its own unit test.
$(BUILD)/tests/test_cni: tests/unit/test_cni.c $(CNI_PURE) $(LIBXBR) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Icni $< $(CNI_PURE) $(LIBXBR) \
		$(LDLIBS) $(CNI_LIBS) -lcmocka -o $@

$(BUILD)/tests/test_parse: tests/unit/test_parse.c $(PARSE_UNIT_SRCS) tests/unit/parse_tests.h \
		$(LIBXBR) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< $(PARSE_UNIT_SRCS) $(LIBXBR) \
		$(LDLIBS) -lcmocka -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(CLI_AR) $(LIBXBR) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(TEST_WRAP) -Icli $< $(CLI_AR) $(LIBXBR) $(LDLIBS) $(CNI_LIBS) -lcmocka -o $@

# The undo journal's test takes journal.c's teardown dispatch and allocator
# at link time (test doubles in the test; the product links them as they are).
$(BUILD)/tests/test_journal: TEST_WRAP := -Wl,--wrap=xbr_teardown -Wl,--wrap=realloc

$(DP_BIN): $(DP_SRCS) $(wildcard tests/datapath/*.h) $(LIBXBR) $(SKELS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/datapath $(DP_SRCS) $(LIBXBR) \
		$(LDLIBS) -lcmocka -o $@

$(BUILD) $(BUILD)/user $(BUILD)/cli $(BUILD)/tests $(BUILD)/cni $(BUILD)/agent $(BUILD)/docker:
	$(Q)mkdir -p $@

# The binary, its man page, its bash completion, the CNI plugin and the
# systemd units (their ExecStart gets BINDIR). Debian's packaging sets DESTDIR
# and PREFIX=/usr; nothing else is installed.
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(CNIDIR) $(DESTDIR)$(SYSTEMDDIR)
	$(INSTALL) -m 0755 $(XBR) $(DESTDIR)$(BINDIR)/xbr
	$(INSTALL) -m 0644 docs/xbr.8 $(DESTDIR)$(MANDIR)/man8/xbr.8
	$(INSTALL) -m 0644 completion/xbr $(DESTDIR)$(BASHCOMPDIR)/xbr
	$(INSTALL) -m 0755 $(XBR_CNI) $(DESTDIR)$(CNIDIR)/xbr
	$(INSTALL) -m 0755 $(XBR_AGENT) $(DESTDIR)$(BINDIR)/xbr-agent
	$(INSTALL) -m 0755 $(XBR_DOCKER) $(DESTDIR)$(BINDIR)/xbr-docker
	for u in xbr-boot.service xbr-restore.service xbr-agent.service xbr-docker.service \
		xbr-docker.socket; do \
		sed 's|@BINDIR@|$(BINDIR)|g' systemd/$$u >$(DESTDIR)$(SYSTEMDDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/$$u || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xbr $(DESTDIR)$(MANDIR)/man8/xbr.8 $(DESTDIR)$(BASHCOMPDIR)/xbr \
		$(DESTDIR)$(CNIDIR)/xbr $(DESTDIR)$(BINDIR)/xbr-agent $(DESTDIR)$(BINDIR)/xbr-docker
	rm -f $(DESTDIR)$(SYSTEMDDIR)/xbr-boot.service $(DESTDIR)$(SYSTEMDDIR)/xbr-restore.service \
		$(DESTDIR)$(SYSTEMDDIR)/xbr-agent.service $(DESTDIR)$(SYSTEMDDIR)/xbr-docker.service \
		$(DESTDIR)$(SYSTEMDDIR)/xbr-docker.socket

# The SYNOPSIS section of docs/xbr.8, generated from the command table
# (tests/build/t_man.sh fails when the two differ).
man: $(XBR)
	@tools/man-synopsis.sh $(XBR) docs/xbr.8

# The default lab, shown working. `make lab-down` (or `build/xbr down`) removes it.
run:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory $(JOBS) all
	@tools/run-lab.sh $(XBR)

lab-down: all
	$(XBR) down

# The build is parallel (one job per CPU) unless make was given -j itself.
JOBS := $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))

# The integration tests of tc mode run the sanitizer build (build/san), those
# of XDP mode the normal one: each test runs once under ASan+UBSan and once as
# shipped (tests/run.sh, SAN_BUILD).
test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory $(JOBS) all san $(UNIT_BINS) $(DP_BIN)
	@SAN_BUILD=$(BUILD)/san TEST_JOBS=$${TEST_JOBS:-2} tests/run.sh

# Sanitizers: user space and tests rebuilt with ASan+UBSan in build/san; `make
# check` runs the unit suite on them and Valgrind on up/fdb/down (`make test`
# runs the integration suite of tc mode on them).
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

san:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san CFLAGS="$(SAN_CFLAGS)" \
		$(BUILD)/san/xbr $(BUILD)/san/xbr-cni $(BUILD)/san/xbr-agent $(BUILD)/san/xbr-docker $(patsubst $(BUILD)/%,$(BUILD)/san/%,$(UNIT_BINS))

check:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory $(JOBS) all san
	@tests/check.sh

# Hostile frames through the tc and XDP programs against the reference model
# (tests/datapath/test_fuzz*.c): XBR_FUZZ_FRAMES per hook (default 1000000;
# `make test` runs 50000), XBR_FUZZ_SEED=S replays a run. Needs root.
fuzz:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory $(DP_BIN)
	@XBR_FUZZ_FRAMES=$${XBR_FUZZ_FRAMES:-1000000} $(DP_BIN) fuzz

# xbr's own work per frame in ns (BPF_PROG_TEST_RUN on the real programs,
# beside a redirect-only floor); tests/datapath/cost.c. Never asserted.
bench-dp:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory $(DP_BIN)
	@$(DP_BIN) cost

# Kernel bridge vs xbr tc vs xbr XDP, one run (tools/bench/run.sh --help
# for options, e.g. make bench BENCH_ARGS="--metrics tcp,pps --reps 7").
bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory $(JOBS) all
	@tools/bench/run.sh $(BENCH_ARGS)

# The harness's own smoke test (quick mode, output checks only; also in make test).
bench-smoke:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory $(JOBS) all
	@tools/bench/smoke.sh

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*.d $(BUILD)/user/*.d $(BUILD)/cli/*.d $(BUILD)/cni/*.d $(BUILD)/agent/*.d $(BUILD)/docker/*.d $(BUILD)/tests/*.d)
