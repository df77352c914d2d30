# jq library for the benchmark report. Input (slurped): {meta, samples, notes}.

def metric_order: {"tcp":0, "pps":1, "lat":2, "setup":3, "flood":4, "fdb":5, "nat":6, "vxlan":7};
def case_num: ([capture("(?<n>[0-9]+)")][0].n // "0") | tonumber;

# field descriptions: unit, direction (higher|lower|info), label
def field_info:
  { "tcp.gbps":          {order:-1, unit:"Gbit/s", better:"higher", label:"throughput"},
    "tcp.retransmits":   {order:0, unit:"segments", better:"lower", label:"retransmits"},
    "pps.pps":           {order:1, unit:"pps", better:"higher", label:"forwarded (sink rx)"},
    "pps.offered_pps":   {order:2, unit:"pps", better:"info", label:"offered (generator tx)"},
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
    "nat.gbps":          {order:18, unit:"Gbit/s", better:"higher", label:"throughput to the outside"},
    "nat.retransmits":   {order:19, unit:"segments", better:"lower", label:"retransmits"},
    "vxlan.gbps":        {order:20, unit:"Gbit/s", better:"higher", label:"throughput across the overlay"},
    "vxlan.retransmits": {order:21, unit:"segments", better:"lower", label:"retransmits"},
    "vxlan.pps":         {order:22, unit:"pps", better:"higher", label:"forwarded across (sink rx)"},
    "vxlan.offered_pps": {order:23, unit:"pps", better:"info", label:"offered (generator tx)"},
    "vxlan.loss_pct":    {order:24, unit:"%", better:"lower", label:"loss"} };

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

def with_ratios:
  . as $rows
  | map(. as $r
      | ($rows | map(select(.metric == $r.metric and .case == $r.case
                             and .field == $r.field and .mode == "kbr")) | first) as $k
      | . + { ratio_vs_kbr: (if $k == null or $k.median == null or $k.median == 0 or .median == null
                             then null else .median / $k.median end) })
  | sort_by([metric_order[.metric], (.case | case_num), .order]);

def pick($rows; $metric; $case; $field; $mode):
  $rows | map(select(.metric == $metric and .case == $case and .field == $field and .mode == $mode)) | first;

# targets: {name, mode, value (x), cmp, target, status}
def targets($rows; $modes):
  def xbr_ok: [$modes | to_entries[] | select(.key != "kbr" and .value.status == "ok") | .key];
  def t($name; $metric; $case; $field; $cands; $cmp; $goal; transform):
    ([ $cands[] as $m | pick($rows; $metric; $case; $field; $m) | select(. != null and .ratio_vs_kbr != null)
       | {mode, x: (.ratio_vs_kbr | transform)} ]) as $c
    | if ($c | length) == 0 then {name: $name, cmp: $cmp, target: $goal, mode: null, value: null, status: "n/a (not measured)"}
      else ($c | if $cmp == ">=" then max_by(.x) else min_by(.x) end) as $b
        | {name: $name, cmp: $cmp, target: $goal, mode: $b.mode, value: $b.x,
           status: (if ($cmp == ">=" and $b.x >= $goal) or ($cmp == "<=" and $b.x <= $goal) then "MET" else "MISSED" end)}
      end;
  [ t("TCP throughput, 1 stream (xbr-tc / kernel bridge)"; "tcp"; "P=1"; "gbps"; ["xbr-tc"]; ">="; 1.1; .),
    t("TCP throughput, 4 streams (xbr-tc / kernel bridge)"; "tcp"; "P=4"; "gbps"; ["xbr-tc"]; ">="; 1.1; .),
    t("64-byte forwarding rate (best xbr mode / kernel bridge)"; "pps"; "64B"; "pps"; xbr_ok; ">="; 1.5; .),
    t("p50 latency (best xbr mode / kernel bridge)"; "lat"; "64B"; "p50_us"; xbr_ok; "<="; 0.85; .),
    t("setup of 100 namespaces, speed-up (kernel-bridge script time / xbr up time)"; "setup"; "N=100"; "up_s"; xbr_ok; ">="; 10; 1 / .) ];
