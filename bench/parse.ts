/**
 * How long parsing a 10,000-line Buildfile takes after warm-up (goal: under 100 ms). The file is
 * generated from realistic targets: flags, continuations with comment lines, quoted and `$(...)`
 * arguments, doc comments, and every block kind, so the lexer, grammar and visitor all do real work.
 * Prints the median and best of the timed runs, in ms and lines/s, and how the median splits between
 * the lexer, the grammar and the AST visitor (the rest). CPU time is printed beside wall time: on a
 * busy machine wall time measures the neighbours as much as the parser.
 * Run: node --import tsx bench/parse.ts [lines]
 */
import os from "node:os";
import { parseTokens } from "../src/parser/grammar.js";
import { parseBuildfile } from "../src/parser/index.js";
import { lex } from "../src/parser/tokens.js";

/** One target of about 40 lines; `i` keeps names and values distinct. */
function target(i: number): string {
  return `# build-${i} compiles component ${i}.
# It is documented on two lines.
build-${i}:
    FROM +deps --GO_VERSION=1.22
    # VERSION_${i} is stamped into the binary.
    ARG VERSION_${i}=$(git describe --tags 2>/dev/null || echo "v0.0.${i}")
    ARG --required TARGET_${i}
    ENV CGO_ENABLED=0 GOFLAGS="-mod=readonly -trimpath" NAME_${i}=component-${i}
    WORKDIR /src/component-${i}
    COPY --dir --keep-ts cmd internal ./
    COPY (+generate/api-${i}.go --PKG=component${i}) ./internal/api/
    RUN --mount=type=cache,target=/root/.cache/go-build,sharing=locked \\
        --secret GITHUB_TOKEN=token \\
        # a comment between continued lines
        go build -ldflags="-X main.version=$VERSION_${i}" -o /out/component-${i} ./cmd/component
    IF [ "$TARGET_${i}" = "release" ]
        RUN strip /out/component-${i}
    ELSE IF [ -f debug.txt ]
        RUN echo 'keeping symbols # not a comment'
    ELSE
        RUN true
    END
    FOR arch IN amd64 arm64 "$(cat extra-arches)"
        BUILD --platform=linux/$arch +image-${i} --ARCH=$arch
    END
    WITH DOCKER --load app-${i}:test=(+image-${i} --ARCH=amd64) --pull ebuild-fixture/busybox:latest
        RUN docker run --rm app-${i}:test --selftest
    END
    TRY
        RUN go test ./... > report-${i}.txt
    FINALLY
        SAVE ARTIFACT report-${i}.txt AS LOCAL out/report-${i}.txt
    END
    WAIT
        SAVE IMAGE --push localhost:5000/component-${i}:latest
    END
    LABEL org.opencontainers.image.title="component ${i}" version=$VERSION_${i}
    EXPOSE 80${i % 10}/tcp
    ENTRYPOINT ["/out/component-${i}", "--serve"]
    SAVE ARTIFACT /out/component-${i} bin/component-${i} AS LOCAL dist/component-${i}

`;
}

const header = `VERSION --try 0.8
FROM ebuild-fixture/busybox:latest
ARG --global GO_VERSION=1.22

deps:
    COPY go.mod go.sum ./
    RUN go mod download

`;

/** A Buildfile of at least `lines` lines. */
export function generatedBuildfile(lines: number): string {
  let text = header;
  let count = header.split("\n").length - 1;
  for (let i = 0; count < lines; i++) {
    const t = target(i);
    text += t;
    count += t.split("\n").length - 1;
  }
  return text;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const wanted = Number(process.argv[2] ?? 10_000);
const text = generatedBuildfile(wanted);
const lineCount = text.split("\n").length - 1;

// The generated file must parse cleanly, or the numbers would measure error recovery.
const check = parseBuildfile(text, "Buildfile");
if (check.problems.length > 0 || check.buildfile === undefined) {
  console.error(`the generated Buildfile has ${check.problems.length} problems; first: ${check.problems[0]?.message}`);
  process.exit(1);
}

function timed(run: () => unknown, rounds: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

timed(() => parseBuildfile(text, "Buildfile"), 10); // warm-up: JIT and Chevrotain's lookahead caches
const cpuStart = process.cpuUsage();
const times = timed(() => parseBuildfile(text, "Buildfile"), 20);
const cpuUsed = process.cpuUsage(cpuStart);
const cpuPerParse = (cpuUsed.user + cpuUsed.system) / 1000 / times.length;
const tokens = lex(text).tokens;
const lexing = median(timed(() => lex(text), 10));
const grammarOnly = median(timed(() => parseTokens(tokens), 10));
const med = median(times);
const best = Math.min(...times);
const load = os.loadavg()[0]!;
console.log(`parse: ${lineCount} lines, ${check.buildfile.targets.length} targets, ${text.length} chars (load average ${load.toFixed(1)} on ${os.cpus().length} cores)`);
console.log(`CPU ${cpuPerParse.toFixed(1)} ms per parse (mean over ${times.length}, includes GC threads)`);
console.log(`median ${med.toFixed(1)} ms wall (${Math.round(lineCount / (med / 1000)).toLocaleString("en")} lines/s), best ${best.toFixed(1)} ms; goal < 100 ms: ${med < 100 ? "met" : "NOT met"}`);
console.log(`split (medians): lexer ${lexing.toFixed(1)} ms, grammar ${grammarOnly.toFixed(1)} ms, AST visitor and the rest ${Math.max(0, med - lexing - grammarOnly).toFixed(1)} ms`);
