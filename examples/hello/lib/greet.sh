# greet.sh: the greeting library. Source it; it defines functions and prints nothing.
#   greet NAME   prints "<greeting>, NAME!" (the greeting is $HELLO_GREETING, default "Hello")
#   shout TEXT   prints TEXT in capitals

greet() {
  if [ -z "${1:-}" ]; then
    echo "greet: a name is needed" >&2
    return 2
  fi
  printf '%s, %s!\n' "${HELLO_GREETING:-Hello}" "$1"
}

shout() {
  printf '%s\n' "$*" | tr 'a-z' 'A-Z'
}
