# Shared by the crash tests (jq -L Tests/e2e 'include "compare"; ...'): where a killed run's end state,
# as the sandbox holds it, differs from a reference run's. Each gives a list of one-line differences.

# A sandbox expiration as seconds (null: lifetime); fractions and a +00:00 zone accepted.
def when: if . == null or . == "" then null
          else sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601 end;

# One script's users on the sandbox: {username: expiry seconds}.
def users($s; $pine): ($s.access[$pine] // []) | map({key: .username, value: (.expiration | when)}) | from_entries;

# Per script: the same users, each with the same expiry within an hour (the runs start seconds apart;
# a double extension is days off).
def access_differences($R; $C):
  [ ($R.access | keys[]) as $pine | users($R; $pine) as $r | users($C; $pine) as $c |
      (if ($r | keys) != ($c | keys)
       then "\($pine): users differ: only ref \((($r | keys) - ($c | keys))[:5]), only crash \((($c | keys) - ($r | keys))[:5])"
       else empty end),
      (($r | keys) - (($r | keys) - ($c | keys)) | .[] as $u | $r[$u] as $a | $c[$u] as $b |
       if (($a == null) != ($b == null)) or ($a != null and $b != null and (($a - $b) | fabs) > 3600)
       then "\($pine) \($u): reference \($a) crash \($b)" else empty end) ];

# The same number of state-changing writes: one more means something was applied twice, one less lost.
def write_count_difference($R; $C):
  if ($C.writes | length) != ($R.writes | length)
  then ["the crashed sandbox saw \($C.writes | length) state-changing writes, the reference \($R.writes | length): something was applied twice or lost"]
  else [] end;

# A run after everything was done (`$calls`: its callsByEndpoint) must not write.
def later_writes($calls; $what):
  [$calls | to_entries[] | select(.key == "tv.add" or .key == "tv.modify_expiration" or .key == "tv.remove") | .value]
  | add // 0 | if . > 0 then ["\($what) still wrote \(.) times"] else [] end;
