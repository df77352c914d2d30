# jq library for the benchmark report. Input (slurped): {meta, samples, notes}.

def metric_order: {"tcp":0, "pps":1, "lat":2, "setup":3, "flood":4, "fdb":5, "ports":6, "nat":7, "vxlan":8, "directory":9, "cmd":10, "dns":11};
def case_num: ([capture("(?<n>[0-9]+)")][0].n // "0") | tonumber;
# The baselines every row is compared with, when the run has them.
# dnsmasq: the dns row's server on the same gateway (lib/dns.sh).
def baselines: ["kbr", "wire", "floor", "dnsmasq"];

# field descriptions: unit, direction (higher|lower|info), label
def field_info:
  { "tcp.gbps":          {order:-1, unit:"Gbit/s", better:"higher", label:"throughput"},
    "tcp.retransmits":   {order:0, unit:"segments", better:"lower", label:"retransmits"},
    "pps.pps":           {order:1, unit:"pps", better:"higher", label:"forwarded (sink rx)"},
    "pps.offered_pps":   {order:2, unit:"pps", better:"info", label:"offered (generator tx)"},
    "pps.ns_per_frame":  {order:1.5, unit:"ns", better:"lower", label:"CPU time per frame (1 / rate)"},
    "pps.lost_pps":      {order:3, unit:"pps", better:"lower", label:"lost"},
    "pps.loss_pct":      {order:4, unit:"%", better:"lower", label:"loss"},
    "lat.p50_us":        {order:5, unit:"us", better:"lower", label:"p50"},
    "lat.p99_us":        {order:6, unit:"us", better:"lower", label:"p99"},
    "lat.p999_us":       {order:7, unit:"us", better:"lower", label:"p99.9"},
    "lat.avg_us":        {order:8, unit:"us", better:"lower", label:"mean"},
    "setup.up_s":        {order:9, unit:"s", better:"lower", label:"up"},
    "setup.down_s":      {order:10, unit:"s", better:"lower", label:"down"},
    "flood.pps":         {order:11, unit:"pps", better:"higher", label:"rx at one port"},
    "flood.offered_pps": {order:12, unit:"pps", better:"info", label:"offered"},
    "flood.copies_pps":  {order:13, unit:"pps", better:"higher", label:"copies to all ports (rx x (ports-1))"},
    "fdb.pps":           {order:14, unit:"pps", better:"higher", label:"unicast forwarded"},
    "fdb.offered_pps":   {order:15, unit:"pps", better:"info", label:"offered"},
    "fdb.loss_pct":      {order:17, unit:"%", better:"lower", label:"loss"},
    "fdb.fdb_entries":   {order:16, unit:"entries", better:"info", label:"FDB entries after fill"},
    "ports.pps":         {order:18, unit:"pps", better:"higher", label:"unicast forwarded"},
    "ports.offered_pps": {order:19, unit:"pps", better:"info", label:"offered"},
    "ports.loss_pct":    {order:20, unit:"%", better:"lower", label:"loss"},
    "nat.gbps":          {order:21, unit:"Gbit/s", better:"higher", label:"throughput to the outside"},
    "nat.retransmits":   {order:22, unit:"segments", better:"lower", label:"retransmits"},
    "vxlan.gbps":        {order:23, unit:"Gbit/s", better:"higher", label:"throughput across the overlay"},
    "vxlan.retransmits": {order:24, unit:"segments", better:"lower", label:"retransmits"},
    "vxlan.pps":         {order:25, unit:"pps", better:"higher", label:"forwarded across (sink rx)"},
    "vxlan.offered_pps": {order:26, unit:"pps", better:"info", label:"offered (generator tx)"},
    "vxlan.loss_pct":    {order:27, unit:"%", better:"lower", label:"loss"},
    "directory.ms":      {order:28, unit:"ms", better:"lower", label:"port add -> first answered ping"},
    "directory.frames":  {order:29, unit:"frames", better:"lower", label:"underlay frames meanwhile"},
    "directory.etcd_frames": {order:29.5, unit:"frames", better:"info", label:"of which to or from etcd"},
    "directory.port_add_ms": {order:30, unit:"ms", better:"info", label:"port add itself"},
    "directory.p50_ms":  {order:31, unit:"ms", better:"lower", label:"p50 port add -> answer"},
    "directory.p99_ms":  {order:32, unit:"ms", better:"lower", label:"p99 port add -> answer"},
    "directory.frames_median": {order:33, unit:"frames", better:"lower", label:"underlay frames per station (median)"},
    "directory.answered": {order:34, unit:"", better:"info", label:"stations answered"},
    "cmd.add_ms":        {order:35, unit:"ms", better:"lower", label:"port add"},
    "cmd.set_ms":        {order:36, unit:"ms", better:"lower", label:"port set"},
    "cmd.del_ms":        {order:37, unit:"ms", better:"lower", label:"port del"},
    "cmd.add_sys":       {order:38, unit:"calls", better:"lower", label:"port add: syscalls"},
    "cmd.add_bpf":       {order:39, unit:"calls", better:"lower", label:"port add: bpf()"},
    "cmd.set_sys":       {order:40, unit:"calls", better:"lower", label:"port set: syscalls"},
    "cmd.set_bpf":       {order:41, unit:"calls", better:"lower", label:"port set: bpf()"},
    "cmd.del_sys":       {order:42, unit:"calls", better:"lower", label:"port del: syscalls"},
    "cmd.del_bpf":       {order:43, unit:"calls", better:"lower", label:"port del: bpf()"},
    "dns.qps":           {order:44, unit:"queries/s", better:"higher", label:"answered flat out"},
    "dns.p50_us":        {order:45, unit:"us", better:"lower", label:"p50 at a fixed rate"},
    "dns.p99_us":        {order:46, unit:"us", better:"lower", label:"p99 at a fixed rate"},
    "dns.lost_pct":      {order:47, unit:"%", better:"lower", label:"lost flat out"},
    "dns.other_rcodes":  {order:48, unit:"", better:"lower", label:"answers neither NOERROR nor NXDOMAIN"},
    "dns.load_avg_us":   {order:49, unit:"us", better:"info", label:"mean latency flat out"},
    "dns.lat_answers":   {order:50, unit:"", better:"info", label:"answers timed at the fixed rate"},
    "dns.dp_pct":        {order:51, unit:"%", better:"info", label:"answered by the datapath"},
    "pps.gen_exits":     {order:90, unit:"", better:"info", label:"generator exits (window retried)"},
    "flood.gen_exits":   {order:90, unit:"", better:"info", label:"generator exits (window retried)"},
    "fdb.gen_exits":     {order:90, unit:"", better:"info", label:"generator exits (window retried)"},
    "ports.gen_exits":   {order:90, unit:"", better:"info", label:"generator exits (window retried)"} };

def median: sort | if length == 0 then null
  elif length % 2 == 1 then .[(length - 1) / 2]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;

# one row per metric/case/mode/field over the non-warm-up samples
def stats:
  [ .samples[] | select(.warmup == false) ]
  | group_by([.metric, .case, .mode])
  | map(. as $g
      | ($g | map(.values | keys) | add | unique)[] as $f
      | ([$g[].values[$f] | select(. != null)]) as $v
      | { metric: $g[0].metric, case: $g[0].case, mode: $g[0].mode, field: $f,
          unit: (field_info["\($g[0].metric).\($f)"].unit // ""),
          better: (field_info["\($g[0].metric).\($f)"].better // "info"),
          label: (field_info["\($g[0].metric).\($f)"].label // $f),
          order: (field_info["\($g[0].metric).\($f)"].order // 99),
          n: ($v | length), median: ($v | median),
          min: ($v | min), max: ($v | max), samples: $v });

def div($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;

# Each row gains ratio_vs_kbr, ratio_vs_wire, ratio_vs_floor: its median over
# the baseline's median for the same metric, case and field (null when the
# run has no such baseline row).
def with_ratios:
  . as $rows
  | map(. as $r
      | reduce baselines[] as $b ($r;
          ($rows | map(select(.metric == $r.metric and .case == $r.case
                               and .field == $r.field and .mode == $b)) | first) as $k
          | . + { ("ratio_vs_" + $b): div($r.median; $k.median) }))
  | sort_by([metric_order[.metric], (.case | case_num), .order]);

def pick($rows; $metric; $case; $field; $mode):
  $rows | map(select(.metric == $metric and .case == $case and .field == $field and .mode == $mode)) | first;
def med($rows; $metric; $case; $field; $mode): pick($rows; $metric; $case; $field; $mode) | .median?;

# targets of issue 14: {name, mode, value, cmp, target, status}; printed by
# `make bench` as MET/MISSED, never asserted.
def targets($rows; $modes):
  def status($v; $cmp; $goal):
    if $v == null then "n/a (not measured)"
    elif ($cmp == ">=" and $v >= $goal) or ($cmp == "<=" and $v <= $goal) then "MET" else "MISSED" end;
  def t($name; $mode; $v; $cmp; $goal):
    {name: $name, mode: $mode, value: $v, cmp: $cmp, target: $goal, status: status($v; $cmp; $goal)};
  def m($metric; $case; $field; $mode): med($rows; $metric; $case; $field; $mode);
  # the worst flood ratio to the kernel bridge over every port count measured
  def flood_worst($mode):
    [ $rows[] | select(.metric == "flood" and .field == "pps" and .mode == $mode and .ratio_vs_kbr != null)
      | .ratio_vs_kbr ] | if length == 0 then null else min end;
  # largest and smallest bridge of the ports metric measured in $mode
  def ports_sizes($mode): [ $rows[] | select(.metric == "ports" and .field == "pps" and .mode == $mode) | .case | case_num ];
  def ports_ratio($mode):
    ports_sizes($mode) as $s
    | if ($s | length) < 2 then null
      else div(m("ports"; "ns=\($s | max)"; "pps"; $mode); m("ports"; "ns=\($s | min)"; "pps"; $mode)) end;
  # cmd (issue 18): a port command on the largest bridge over the smallest
  def cmd_sizes($mode): [ $rows[] | select(.metric == "cmd" and .field == "add_ms" and .mode == $mode) | .case | case_num ];
  def cmd_t($mode; $op):
    cmd_sizes($mode) as $s
    | (if ($s | length) < 2 then null
       else div(m("cmd"; "ns=\($s | max)"; "\($op)_ms"; $mode); m("cmd"; "ns=\($s | min)"; "\($op)_ms"; $mode)) end) as $v
    | t("port \($op) on 4,095 ports (4,094 namespaces + gateway): multiple of 2 namespaces"; $mode; $v; "<="; 1.5)
    | if .value != null and ($s | max) < 4094 then .status = "n/a (largest bridge measured: \($s | max) namespaces)" else . end;
  # below 4,095 namespaces the ratio is shown but the target is not judged
  def ports_t($mode):
    (ports_sizes($mode) | max // 0) as $big
    | t("known unicast on 4,096 ports (4,095 namespaces + gateway): fraction of 2 namespaces"; $mode; ports_ratio($mode); ">="; 0.95)
    | if .value != null and $big < 4095 then .status = "n/a (largest bridge measured: \($big) namespaces)" else . end;
  [ t("tc mode, 60-byte frames: fraction of the floor"; "xbr-tc";
      div(m("pps"; "60B"; "pps"; "xbr-tc"); m("pps"; "60B"; "pps"; "floor")); ">="; 0.95),
    t("tc mode, TCP 1 stream: fraction of the wire"; "xbr-tc";
      div(m("tcp"; "P=1"; "gbps"; "xbr-tc"); m("tcp"; "P=1"; "gbps"; "wire")); ">="; 0.95),
    t("tc mode, TCP 4 streams: fraction of the wire"; "xbr-tc";
      div(m("tcp"; "P=4"; "gbps"; "xbr-tc"); m("tcp"; "P=4"; "gbps"; "wire")); ">="; 0.95),
    t("tc mode, p50 latency: multiple of the wire's"; "xbr-tc";
      div(m("lat"; "64B"; "p50_us"; "xbr-tc"); m("lat"; "64B"; "p50_us"; "wire")); "<="; 1.05),
    ( "xbr-tc", "xbr-xdp"
      | t("flood, every port count: worst ratio to the kernel bridge"; .; flood_worst(.); ">="; 1.0) ),
    ( "xbr-tc", "xbr-xdp" | ports_t(.) ),
    ( "xbr-tc", "xbr-xdp" | select(cmd_sizes(.) | length > 0) | cmd_t(.; "add"), cmd_t(.; "set"), cmd_t(.; "del") ),
    ( "xbr-tc", "xbr-xdp"
      | t("up of 1,000 namespaces: times faster than the ip -n script"; .;
          div(m("setup"; "N=1000"; "up_s"; "kbr"); m("setup"; "N=1000"; "up_s"; .)); ">="; 8) ),
    ( "xbr-tc", "xbr-xdp"
      | t("down of 1,000 namespaces: times faster than the ip -n script"; .;
          div(m("setup"; "N=1000"; "down_s"; "kbr"); m("setup"; "N=1000"; "down_s"; .)); ">="; 8) ) ];

# Report tables: the fields of each metric that get ratio columns, in order;
# every other field is an extra column (median only).
def primary_fields: {"tcp": ["gbps"], "pps": ["pps"], "lat": ["p50_us"], "setup": ["up_s", "down_s"],
                     "flood": ["pps"], "fdb": ["pps"], "ports": ["pps"], "nat": ["gbps"], "directory": ["ms", "p50_ms", "p99_ms", "frames_median"],
                     "cmd": ["add_ms", "set_ms", "del_ms"], "dns": ["qps", "p50_us", "p99_us"]};
