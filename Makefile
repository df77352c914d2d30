# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# xbr: `make` builds build/xbr; `make run` brings up the default lab;
# `make test` runs every test; `make bench` compares with the kernel bridge.
# V=1 shows full commands. CI=true turns warnings into errors.

BUILD   ?= build
CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
XBR     := $(BUILD)/xbr

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)

CFLAGS   ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Iinclude -Iuser -I$(BUILD) -MMD -MP
BPF_CFLAGS := -g -O2 -target bpf -Wall -Wextra -Wno-unused-parameter \
	      -Iinclude -Ibpf -I$(ARCH_INC) -MMD -MP
ifeq ($(CI),true)
override CFLAGS += -Werror
BPF_CFLAGS += -Werror
endif
LDLIBS   := -lbpf -lmnl -lelf -lz -pthread

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
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
DP_SRCS   := $(wildcard tests/datapath/*.c)
DP_BIN    := $(BUILD)/tests/test_datapath

.DELETE_ON_ERROR:
.PHONY: all deps run test check san fuzz unit datapath integration bench bench-dp bench-smoke clean lab-down

all: $(XBR)

deps:
	@tools/deps.sh build

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(basename $(basename $<))) > $@

$(BUILD)/user/%.o: user/%.c | $(SKELS) $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(XBR): $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

$(DP_BIN): $(DP_SRCS) $(LIB_OBJS) $(SKELS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/datapath $(DP_SRCS) $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

$(BUILD) $(BUILD)/user $(BUILD)/tests:
	$(Q)mkdir -p $@

# The default lab, shown working. `make lab-down` (or `build/xbr down`) removes it.
run:
	@tools/deps.sh build
	@$(MAKE) --no-print-directory all
	@tools/run-lab.sh $(XBR)

lab-down: all
	$(XBR) down

test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(DP_BIN)
	@tests/run.sh

# Sanitizers: user space and tests rebuilt with ASan+UBSan in build/san, then
# the unit and integration suites run on them, and Valgrind checks up/fdb/down.
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

san:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san CFLAGS="$(SAN_CFLAGS)" \
		$(BUILD)/san/xbr $(patsubst $(BUILD)/%,$(BUILD)/san/%,$(UNIT_BINS))

check:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory all san
	@tests/check.sh

# Hostile frames through the tc and XDP programs against the reference model
# (tests/datapath/test_fuzz.c): XBR_FUZZ_FRAMES per hook (default 1000000;
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
	@$(MAKE) --no-print-directory all
	@tools/bench/run.sh $(BENCH_ARGS)

# The harness's own smoke test (quick mode, output checks only; also in make test).
bench-smoke:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory all
	@tools/bench/smoke.sh

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*.d $(BUILD)/user/*.d $(BUILD)/tests/*.d)
