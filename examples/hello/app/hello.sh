#!/bin/sh
# hello: greets everyone named on the command line, one line each.
#   hello [--shout] NAME...
# The library lives in ../lib/hello next to this script's folder, so the installed image
# (/usr/bin/hello, /usr/lib/hello) and the unpacked dist tarball (hello/bin, hello/lib) both work.
set -eu
here=$(dirname "$0")
. "${HELLO_LIB:-$here/../lib/hello}/greet.sh"

loud=false
if [ "${1:-}" = "--shout" ]; then
  loud=true
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: hello [--shout] NAME..." >&2
  exit 2
fi
for name in "$@"; do
  if $loud; then shout "$(greet "$name")"; else greet "$name"; fi
done
