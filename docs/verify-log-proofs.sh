#!/usr/bin/env bash
# Check Duban's transparency-log proofs with nothing but sha256sum, xxd, printf and openssl.
#
#   docs/verify-log-proofs.sh PUBLIC_KEY inclusion   inclusion.json     # GET /audit/log/proofs/inclusion?…
#   docs/verify-log-proofs.sh PUBLIC_KEY consistency consistency.json   # GET /audit/log/proofs/consistency?from=N&to=M
#
# PUBLIC_KEY is the log's Ed25519 key as base64 SPKI DER (the `publicKey` of a head you trust, published
# outside the system). The key in the answer itself is not used. Exit 0 when the proof and the signed
# tree head(s) verify, 1 otherwise. Recipe (RFC 6962 / RFC 9162):
#   leaf = SHA-256(0x00 || leaf data)   node = SHA-256(0x01 || left || right)
#   a signed tree head is Ed25519 over the ASCII text  duban-tree-head-v1|<size>|<root hex>|<timestamp>
#   inclusion: RFC 9162 §2.1.3.2; consistency: RFC 9162 §2.1.4.2.
set -u
[ $# -eq 3 ] || { echo "usage: $0 PUBLIC_KEY inclusion|consistency FILE.json" >&2; exit 2; }
KEY=$1 MODE=$2 FILE=$3
TMP=$(mktemp -d) && trap 'rm -rf "$TMP"' EXIT
JSON=$(tr -d '\n' < "$FILE")

# A scalar field of the (flat) answer, and a list of hex strings.
field() { printf '%s' "$JSON" | grep -o "\"$1\": *[^,} ]*" | head -n1 | sed -e 's/^"[^"]*": *//' -e 's/^"//' -e 's/"$//'; }
list() { printf '%s' "$JSON" | grep -o "\"$1\": *\[[^]]*\]" | head -n1 | sed -e 's/^[^[]*\[//' -e 's/\]$//' -e 's/[",]/ /g'; }

sha() { xxd -r -p | sha256sum | cut -c1-64; }
node() { printf '01%s%s' "$1" "$2" | sha; }
fail() { echo "FAIL: $*"; exit 1; }

# Ed25519 signature of a tree head, with the trusted key.
check_head() { # size root timestamp signature
  printf '%s' "duban-tree-head-v1|$1|$2|$3" > "$TMP/head.txt"
  printf '%s' "$4" | openssl base64 -d -A > "$TMP/sig.bin"
  printf '%s' "$KEY" | openssl base64 -d -A > "$TMP/key.der"
  openssl pkeyutl -verify -pubin -inkey "$TMP/key.der" -keyform DER -rawin -in "$TMP/head.txt" -sigfile "$TMP/sig.bin" > /dev/null 2>&1 \
    || fail "the signed tree head of size $1 does not verify with this key"
  echo "ok: signed tree head of size $1, root $2, at $3"
}

case "$MODE" in
inclusion)
  index=$(field logIndex) size=$(field treeSize) root=$(field rootHash)
  check_head "$size" "$root" "$(field timestamp)" "$(field signature)"
  data=$(field leafDataHex)
  r=$(printf '00%s' "$data" | sha)
  fn=$index sn=$((size - 1))
  for p in $(list auditPath); do
    [ "$sn" -eq 0 ] && fail "the audit path is too long"
    if [ $((fn % 2)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
      r=$(node "$p" "$r")
      if [ $((fn % 2)) -eq 0 ]; then
        while [ $((fn % 2)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn / 2)) sn=$((sn / 2)); done
      fi
    else
      r=$(node "$r" "$p")
    fi
    fn=$((fn / 2)) sn=$((sn / 2))
  done
  [ "$sn" -eq 0 ] && [ "$r" = "$root" ] || fail "leaf $index is not in the tree of size $size (computed root $r)"
  echo "ok: leaf $index is in the tree of size $size; its data: $(printf '%s' "$data" | xxd -r -p)"
  ;;
consistency)
  m=$(field firstSize) n=$(field secondSize) r1=$(field firstRoot) r2=$(field secondRoot)
  check_head "$m" "$r1" "$(field firstTimestamp)" "$(field firstSignature)"
  check_head "$n" "$r2" "$(field secondTimestamp)" "$(field secondSignature)"
  set -- $(list proof)
  if [ "$m" -eq "$n" ]; then
    [ $# -eq 0 ] && [ "$r1" = "$r2" ] || fail "equal sizes need equal roots and no proof"
  elif [ "$m" -gt 0 ]; then
    [ $# -gt 0 ] || fail "the proof is empty"
    [ $((m & (m - 1))) -eq 0 ] && set -- "$r1" "$@" # the first tree is a complete subtree: it starts the path
    fn=$((m - 1)) sn=$((n - 1))
    while [ $((fn % 2)) -eq 1 ]; do fn=$((fn / 2)) sn=$((sn / 2)); done
    fr=$1 sr=$1
    shift
    for c in "$@"; do
      [ "$sn" -eq 0 ] && fail "the proof is too long"
      if [ $((fn % 2)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
        fr=$(node "$c" "$fr") sr=$(node "$c" "$sr")
        if [ $((fn % 2)) -eq 0 ]; then
          while [ $((fn % 2)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn / 2)) sn=$((sn / 2)); done
        fi
      else
        sr=$(node "$sr" "$c")
      fi
      fn=$((fn / 2)) sn=$((sn / 2))
    done
    [ "$sn" -eq 0 ] && [ "$fr" = "$r1" ] && [ "$sr" = "$r2" ] || fail "the tree of size $m is not a prefix of the tree of size $n"
  fi
  echo "ok: the tree of size $m is a prefix of the tree of size $n"
  ;;
*) echo "usage: $0 PUBLIC_KEY inclusion|consistency FILE.json" >&2; exit 2 ;;
esac
