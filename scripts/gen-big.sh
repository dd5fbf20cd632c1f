#!/usr/bin/env bash
# Prints a generated diagram of N nodes: one client → one load balancer → N − 2 servers.
# Usage: scripts/gen-big.sh N [RATE_RPS] > big.json
set -euo pipefail
n=${1:?usage: gen-big.sh N [RATE_RPS]}
rate=${2:-1000}
servers=$((n - 2))
{
  printf '{"version":1,"name":"generated: 1 client, 1 balancer, %d servers","seed":1,\n' "$servers"
  printf ' "workload":{"duration_s":1,"warmup_s":0},\n "nodes":[\n'
  printf '  {"id":"users","kind":"client","x":0,"y":0,"params":{"rate_rps":%s}},\n' "$rate"
  printf '  {"id":"lb","kind":"load_balancer","x":300,"y":0,"params":{"health_check":{"enabled":true}}}'
  awk -v s="$servers" 'BEGIN { for (i = 0; i < s; i++) printf ",\n  {\"id\":\"s%d\",\"kind\":\"server\",\"x\":%d,\"y\":%d}", i, 600 + 300 * int(i / 100), 120 * (i % 100) }'
  printf '\n ],\n "edges":[\n  {"from":"users","to":"lb"}'
  awk -v s="$servers" 'BEGIN { for (i = 0; i < s; i++) printf ",\n  {\"from\":\"lb\",\"to\":\"s%d\"}", i }'
  printf '\n ]\n}\n'
}
