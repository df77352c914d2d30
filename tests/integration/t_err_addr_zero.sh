#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# An explicit address 0.0.0.0/N is outside every bridge subnet and must be
# refused like any other outside address, for `up NS=0.0.0.0/N` and for
# `port add NS 0.0.0.0/N`: non-zero exit, one line naming it, nothing made.
# (It must not be taken as "no address given" and silently replaced with an
# allocated one.)
T_BR=xzero
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")
must timeout 30 "${X[@]}" up
expect_error "port add NS 0.0.0.0/16" 0.0.0.0 "${X[@]}" port add ns3 0.0.0.0/16
must timeout 30 "${X[@]}" down
expect_error "up NS=0.0.0.0/16" 0.0.0.0 "${X[@]}" up ns1=0.0.0.0/16
t_pass "0.0.0.0 refused as a station address"
