#!/bin/sh
# The app's tests: run `hello` as a user would and compare what it prints and how it exits.
set -u
failures=0

check() { # check NAME EXPECTED-OUTPUT EXPECTED-STATUS -- COMMAND...
  name=$1 want=$2 want_status=$3
  shift 4
  got=$("$@" 2>&1)
  status=$?
  if [ "$got" = "$want" ] && [ "$status" -eq "$want_status" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: got '$got' (exit $status), want '$want' (exit $want_status)"
    failures=$((failures + 1))
  fi
}

check "greets one name" "Hello, world!" 0 -- hello world
check "greets each name on its own line" "Hello, Ada!
Hello, Grace!" 0 -- hello Ada Grace
check "shouts" "HELLO, WORLD!" 0 -- hello --shout world
check "takes the greeting from HELLO_GREETING" "Hi, there!" 0 -- env HELLO_GREETING=Hi hello there
check "wants a name" "usage: hello [--shout] NAME..." 2 -- hello

if [ "$failures" -ne 0 ]; then
  echo "$failures test(s) failed"
  exit 1
fi
echo "all tests passed"
