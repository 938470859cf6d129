import { test } from "node:test";
import assert from "node:assert/strict";
import { hasScope, tokenize } from "./tokenize.js";

interface Case {
  /** Buildfile text; several lines are tokenized in order, as in an editor. */
  src: string;
  /** The first occurrence of this text is checked. */
  find: string;
  /** Every token of `find` carries this scope (or one under it). */
  scope?: string;
  /** No token of `find` carries this scope. */
  not?: string;
}

const cases: Case[] = [
  // file structure
  { src: "VERSION 0.8", find: "VERSION", scope: "keyword.other.version.buildfile" },
  { src: "VERSION 0.8", find: "0.8", scope: "constant.numeric.version.buildfile" },
  { src: "VERSION --try --wildcard-copy 0.7", find: "--wildcard-copy", scope: "variable.parameter.flag.buildfile" },
  { src: "build:", find: "build", scope: "entity.name.function.target.buildfile" },
  { src: "build:", find: ":", scope: "punctuation.separator.colon.buildfile" },
  { src: "docs.site-v2:  # the site", find: "docs.site-v2", scope: "entity.name.function.target.buildfile" },
  { src: "BUILD_GO:", find: "BUILD_GO", scope: "entity.name.function.user-function.buildfile" },
  { src: "INSTALL:\n    FUNCTION", find: "FUNCTION", scope: "keyword.other.command.buildfile" },
  { src: "# build the binary", find: "# build the binary", scope: "comment.line.number-sign.buildfile" },
  { src: "    # indented comment", find: "# indented comment", scope: "comment.line.number-sign.buildfile" },
  // commands, one and two words
  { src: "    FROM alpine:3.20", find: "FROM", scope: "keyword.other.command.buildfile" },
  { src: "    FROM alpine:3.20", find: "alpine:3.20", not: "meta.reference.buildfile" },
  { src: "    SAVE ARTIFACT out/bin AS LOCAL ./bin", find: "SAVE ARTIFACT", scope: "keyword.other.command.buildfile" },
  { src: "    SAVE ARTIFACT out/bin AS LOCAL ./bin", find: "AS LOCAL", scope: "keyword.other.as-local.buildfile" },
  { src: "    SAVE IMAGE --push org/app:latest", find: "SAVE IMAGE", scope: "keyword.other.command.buildfile" },
  { src: "    SAVE IMAGE --push org/app:latest", find: "--push", scope: "variable.parameter.flag.buildfile" },
  { src: "    FROM DOCKERFILE -f Dockerfile.dev .", find: "FROM DOCKERFILE", scope: "keyword.other.command.buildfile" },
  { src: "    FROM DOCKERFILE -f Dockerfile.dev .", find: "-f", scope: "variable.parameter.flag.buildfile" },
  { src: "    GIT CLONE --branch main file:///srv/repo.git src", find: "GIT CLONE", scope: "keyword.other.command.buildfile" },
  { src: "    WITH DOCKER --load app=+image", find: "WITH DOCKER", scope: "keyword.control.block.buildfile" },
  { src: "    WITH DOCKER --load app=+image", find: "image", scope: "entity.name.function.target.buildfile" },
  { src: '    IF [ "$MODE" = "release" ]', find: "IF", scope: "keyword.control.block.buildfile" },
  { src: '    IF [ "$MODE" = "release" ]', find: "[", not: "meta.structure.array.exec-form.buildfile" },
  { src: "    ELSE IF test -f go.mod", find: "ELSE IF", scope: "keyword.control.block.buildfile" },
  { src: "    FOR file IN $(ls src)", find: "IN", scope: "keyword.other.buildfile" },
  { src: "    END", find: "END", scope: "keyword.control.block.buildfile" },
  { src: "    TRY\n        RUN make test\n    FINALLY", find: "FINALLY", scope: "keyword.control.block.buildfile" },
  { src: "    WAIT", find: "WAIT", scope: "keyword.control.block.buildfile" },
  { src: "    ADD file.tar /", find: "ADD", scope: "invalid.deprecated.unsupported-command.buildfile" },
  { src: "    HEALTHCHECK --interval=5s CMD wget -q localhost", find: "--interval", scope: "variable.parameter.flag.buildfile" },
  { src: "    CACHE --sharing shared /go/pkg/mod", find: "CACHE", scope: "keyword.other.command.buildfile" },
  { src: "    EXPOSE 80 443/udp", find: "EXPOSE", scope: "keyword.other.command.buildfile" },
  // references
  { src: "    FROM +base", find: "+", scope: "punctuation.separator.target.buildfile" },
  { src: "    FROM +base", find: "base", scope: "entity.name.function.target.buildfile" },
  { src: "    COPY ./dir+build/out/bin ./", find: "./dir", scope: "entity.name.namespace.buildfile" },
  { src: "    COPY ./dir+build/out/bin ./", find: "build", scope: "entity.name.function.target.buildfile" },
  { src: "    COPY ./dir+build/out/bin ./", find: "/out/bin", scope: "string.unquoted.artifact.buildfile" },
  { src: "    COPY ../lib+all/* ./", find: "../lib", scope: "entity.name.namespace.buildfile" },
  { src: "    COPY (+gen/api.go --LANG=go) ./", find: "gen", scope: "entity.name.function.target.buildfile" },
  { src: "    COPY (+gen/api.go --LANG=go) ./", find: "--LANG", scope: "variable.parameter.flag.buildfile" },
  { src: "    COPY my\\+file.txt ./", find: "file.txt", not: "meta.reference.buildfile" },
  { src: "    DO +BUILD_GO --version=1.22", find: "BUILD_GO", scope: "entity.name.function.user-function.buildfile" },
  { src: "    DO lib+INSTALL", find: "lib", scope: "entity.name.namespace.buildfile" },
  { src: "    BUILD ./services/api+test --GO=1.22", find: "test", scope: "entity.name.function.target.buildfile" },
  { src: "IMPORT ./tools/lib AS tools", find: "AS", scope: "keyword.other.buildfile" },
  { src: "    RUN expr a+b", find: "a+b", not: "meta.reference.buildfile" },
  // flags, strings, comments
  { src: "    RUN --mount=type=cache,target=/root/.cache go build", find: "--mount", scope: "variable.parameter.flag.buildfile" },
  { src: "    RUN --mount=type=cache,target=/root/.cache go build", find: "=", scope: "punctuation.separator.key-value.buildfile" },
  { src: '    RUN echo "hello #world"', find: "#world", scope: "string.quoted.double.buildfile", not: "comment" },
  { src: '    RUN echo "hello #world"', find: '"', scope: "punctuation.definition.string.begin.buildfile" },
  { src: "    RUN echo 'hello #world'", find: "#world", scope: "string.quoted.single.buildfile", not: "comment" },
  { src: "    RUN make # then test", find: "# then test", scope: "comment.line.number-sign.buildfile" },
  { src: "    RUN echo a#b", find: "a#b", not: "comment" },
  { src: '    RUN echo "say \\"hi\\""', find: '\\"', scope: "constant.character.escape.buildfile" },
  { src: "    RUN echo \\$HOME", find: "\\$", scope: "constant.character.escape.buildfile" },
  { src: "    RUN echo '$HOME'", find: "$HOME", not: "variable" },
  // variables and shell-outs
  { src: "    WORKDIR /src/$NAME", find: "$NAME", scope: "variable.other.buildfile" },
  { src: "    WORKDIR /src/${NAME}", find: "${", scope: "punctuation.definition.variable.begin.buildfile" },
  { src: "    WORKDIR /src/${NAME}", find: "NAME", scope: "variable.other.buildfile" },
  { src: "    ARG TAG=${VERSION:-latest}", find: ":-", scope: "keyword.operator.expansion.buildfile" },
  { src: '    ENV V=${VARIANT#"v"}', find: "#", scope: "keyword.operator.expansion.buildfile", not: "comment" },
  { src: '    RUN echo "$PWD is home"', find: "$PWD", scope: "variable.other.buildfile" },
  { src: "    ARG DATE=$(date +%F)", find: "$(", scope: "punctuation.section.shell-out.begin.buildfile" },
  { src: "    ARG DATE=$(date +%F)", find: "date", scope: "meta.embedded.shell-out.buildfile" },
  { src: '    ARG X=$(echo "a)b") done', find: "a)b", scope: "meta.embedded.shell-out.buildfile" },
  { src: '    ARG X=$(echo "a)b") done', find: "done", not: "meta.embedded.shell-out.buildfile" },
  { src: "    ARG X=$( (cd src && ls) | wc -l )", find: "| wc -l", scope: "meta.embedded.shell-out.buildfile" },
  // definitions
  { src: "    ARG --required VERSION", find: "--required", scope: "variable.parameter.flag.buildfile" },
  { src: "    ARG --required VERSION", find: "VERSION", scope: "variable.other.definition.buildfile" },
  { src: "    ARG --global REGISTRY=local", find: "REGISTRY", scope: "variable.other.definition.buildfile" },
  { src: "    LET count=0", find: "count", scope: "variable.other.definition.buildfile" },
  { src: "    SET count=1", find: "=", scope: "keyword.operator.assignment.buildfile" },
  { src: "    ENV GREETING hello world", find: "GREETING", scope: "variable.other.definition.buildfile" },
  { src: "    ENV GREETING hello world", find: "hello world", not: "variable.other.definition.buildfile" },
  { src: '    ENV A=1 B="two words"', find: "A", scope: "variable.other.definition.buildfile" },
  { src: '    ENV A=1 B="two words"', find: "B", scope: "variable.other.definition.buildfile" },
  { src: '    ENV A=1 B="two words"', find: '"two words"', scope: "string.quoted.double.buildfile" },
  { src: "    LABEL org.opencontainers.image.title=app", find: "org.opencontainers.image.title", scope: "variable.other.definition.buildfile" },
  // exec form
  { src: '    RUN ["echo", "hi"]', find: "[", scope: "punctuation.definition.array.begin.buildfile" },
  { src: '    RUN ["echo", "hi"]', find: '"echo"', scope: "string.quoted.double.json.buildfile" },
  { src: '    CMD ["serve", "--port=80"]', find: ",", scope: "punctuation.separator.array.buildfile" },
  { src: '    ENTRYPOINT ["/bin/app"]', find: "]", scope: "punctuation.definition.array.end.buildfile" },
  // continuations
  { src: "    RUN echo one \\\n        two", find: "\\", scope: "constant.character.escape.line-continuation.buildfile" },
  { src: "    RUN echo one \\\n        two", find: "two", scope: "meta.command.buildfile" },
  { src: "    RUN echo one \\\n        RUN two", find: "RUN two", not: "keyword" },
  { src: "    RUN echo one\n    COPY a b", find: "COPY", scope: "keyword.other.command.buildfile" },
  { src: "    RUN echo one \\\n        two\n    COPY a b", find: "COPY", scope: "keyword.other.command.buildfile" },
  { src: "    RUN echo one \\\n\n    COPY a b", find: "COPY", scope: "keyword.other.command.buildfile" },
];

for (const c of cases) {
  test(`${JSON.stringify(c.src)}: ${JSON.stringify(c.find)}${c.scope ? ` is ${c.scope}` : ""}${c.not ? ` is not ${c.not}` : ""}`, async () => {
    const lines = c.src.split("\n");
    const line = lines.findIndex((l) => l.includes(c.find));
    assert.ok(line >= 0, `${c.find} not in the sample`);
    const start = lines[line]!.indexOf(c.find);
    const end = start + c.find.length;
    const tokens = (await tokenize(lines)).filter((t) => t.line === line && t.start < end && t.end > start);
    assert.ok(tokens.length > 0);
    for (const token of tokens) {
      const where = `${JSON.stringify(token.text)} has ${token.scopes.join(" ")}`;
      if (c.scope !== undefined) assert.ok(hasScope(token.scopes, c.scope), where);
      if (c.not !== undefined) assert.ok(!token.scopes.some((s) => s.startsWith(c.not!)), where);
    }
  });
}
