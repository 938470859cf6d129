import { test } from "node:test";
import assert from "node:assert/strict";
import { expandWordSync } from "../../../src/planner/expand/index.js";
import { lookup } from "./cases.js";

// [word, expected]. Rows marked "docker" were checked against Docker 26.1.5's builder
// (ENV R=<word> then RUN echo "$R" on the local daemon); the rest follow BuildKit's lexer tests.
const table: Array<[string, string]> = [
  // plain words, quotes, escapes
  ["hello", "hello"],
  ["he'll'o", "hello"],
  ["he\\'llo", "he'llo"],
  ["abc\\tdef", "abctdef"],
  ['"abc\\tdef"', "abc\\tdef"],
  ['"abc\\\\tdef"', "abc\\tdef"],
  ["'abc\\tdef'", "abc\\tdef"],
  ["hello\\", "hello"],
  ["hello\\\\", "hello\\"],
  ['"hel\'lo"', "hel'lo"],
  ["'hello\\'", "hello\\"],
  ['"\'\'"', "''"],
  ["x\\ y", "x y"], // docker
  ['"two words"', "two words"], // docker
  ["'$V'", "$V"], // docker
  ['"$V"', "a*b*c"], // docker
  ['"say \\"hi\\""', 'say "hi"'],
  ['"a\\b"', "a\\b"],
  ["안녕\\'하세요", "안녕'하세요"],
  // $VAR and ${VAR}
  ["he$PWD", "he/home"],
  ["he\\$PWD", "he$PWD"],
  ["he\\\\$PWD", "he\\/home"],
  ['"he\\$PWD"', "he$PWD"],
  ["'he\\$PWD'", "he\\$PWD"],
  ["he$pwd.", "he."],
  ["$.", "$."],
  ["a$", "a$"],
  ["he${PWD}", "he/home"],
  ["he${hi}xx", "hexx"],
  ["\\${}", "${}"],
  ["$KOREAN!", "한국어!"],
  ["${PWD}}", "/home}"],
  // positional and special parameters are never set
  ["he$1x", "hex"],
  ["$999aaa", "aaa"],
  ["${1:-bbb}", "bbb"],
  ["$@@@", "@@"],
  ["${#}", ""],
  ["$$", ""],
  ["${0:+bbb}", ""],
  // defaults and alternatives, with and without the colon
  ["${XXX:-000}", "000"],
  ["${PWD:-000}", "/home"],
  ["${NULL:-000}", "000"],
  ["${NULL-000}", ""], // docker
  ["${XXX-000}", "000"], // docker
  ["${PWD:+000}", "000"],
  ["${NULL:+000}", ""],
  ["${NULL+000}", "000"], // docker
  ["${XXX+000}", ""], // docker
  ["${XXX:-$PWD}", "/home"],
  ["${A:-${B:-c}}", "c"], // docker
  ["${XXX:-${PWD:-yyy}}", "/home"],
  ["${PWD:+${SHELL}}xx", "bashxx"],
  ['${A:-"q }"}', "q }"], // docker
  ["${XXX:-'a b'}", "a b"],
  ["${XXX:-\\}}", "}"],
  ["${XXX:-\\$PWD:}", "$PWD:"],
  ["${XXX:-\\${PWD}z}xx", "${PWDz}xx"],
  ["${aaa:-bbb {foo}", "bbb {foo"],
  ['"${XXX:-a  b}"', "a  b"],
  ["${PWD?}", "/home"],
  ["${NULL?}", ""],
  ["${PWD:?must be set}", "/home"],
  // prefix and suffix removal: globs; quoted parts are literal
  ['${VARIANT#"v"}', "1.2.3"], // docker (Earthly #2698)
  ["${VARIANT#v}", "1.2.3"],
  ["${FILE#*.}", "tar.gz"],
  ["${FILE##*.}", "gz"],
  ["${FILE%.*}", "archive.tar"],
  ["${FILE%%.*}", "archive"],
  ["${V##*b}", "*c"], // docker
  ["${V%%b*}", "a*"], // docker
  ["${V%b*}", "a*"], // docker
  ["${V:#a}", "*b*c"], // docker: a colon before # is ignored
  ["${STAR#*}", "*x"], // docker: * matches as little as possible
  ['${STAR#"*"}', "x"], // ebuild: a quoted * is literal (docker keeps "*x")
  ["${STAR#\\*}", "x"],
  ["${STAR#'*'}", "x"],
  ["${FILE#?r}", "chive.tar.gz"],
  ["${PATHS%%:*}", "/usr/local/bin"],
  ["${PATHS##*:}", "/bin"],
  ["${XXX#a}", ""],
  ["${FILE%}", "archive.tar.gz"],
  ["${V%%\\**}", "a"],
  ["${KOREAN%어}", "한국"],
  ["${MULTI%%?second}", "first"], // ebuild: ? and * match a newline too, as in a shell (BuildKit's do not)
  // replacement
  ["${V/b/X}", "a*X*c"],
  ["${V//\\*/-}", "a-b-c"], // docker
  ['"${V//\\*/-}"', "a-b-c"], // docker
  ["${V/b/X\\Y}", "a*X\\Y*c"], // docker: the replacement keeps its backslash
  ["${V/#a/Z}", "a*b*c"], // docker: no anchors, `#a` is literal
  ["${URL/http:/https:}", "https://example.test"],
  ["${GLOBS/$NEEDLE/.} - ${GLOBS//$NEEDLE/.}", "/foo.*/*.txt - /foo..*.txt"],
  ["${PWD//\\//\\/}", "\\/home"],
  ["${PWD//o/}", "/hme"],
  ["${XXX/a/b}", ""],
  // command substitution is only handed on when there is a $( ... )
  ["\\$(echo hi)", "$(echo hi)"],
  ["'$(echo hi)'", "$(echo hi)"],
];

for (const [word, expected] of table) {
  test(`expands ${word}`, () => {
    assert.equal(expandWordSync(word, { lookup }), expected);
  });
}
