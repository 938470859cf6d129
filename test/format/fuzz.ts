/**
 * Random Buildfiles written the many ways people write them: odd indentation (spaces, tabs),
 * extra blanks, `--flag value` and `--flag=value`, exec arrays with any spacing, `\` continuations
 * between any two words (with comment lines inside, deeper indentation, or glued words), trailing
 * comments, comment and blank lines anywhere, and nested blocks. Seeded, so every run is the same.
 */

/** A small seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  readonly rnd: () => number;
  readonly lines: string[] = [];

  constructor(seed: number) {
    this.rnd = random(seed);
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)]!;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min + 1));
  }

  blanks(): string {
    return this.pick([" ", " ", " ", "  ", "\t", "   "]);
  }

  /** A flag with a value, spelt `--f value` or `--f=value`. */
  flag(name: string, value: string): string[] {
    return this.chance(0.5) ? [`${name}=${value}`] : [name, value];
  }

  comment(): string {
    return `# ${this.pick(["note", "why this is here", "TODO: tidy", "a  spaced   comment", "#double", "ends with colon:"])}`;
  }

  /** Writes one statement: keyword and words, with random blanks, continuations and a trailing comment. */
  statement(indent: string, words: string[]): void {
    let line = indent + words[0]!;
    const contIndent = indent + this.pick(["    ", "  ", "\t", "        ", "      "]);
    for (const word of words.slice(1)) {
      if (this.chance(0.12)) {
        if (this.chance(0.1) && !word.startsWith("#")) {
          // Glued: no blank on either side of the `\`; the shell joins the words.
          this.lines.push(`${line}\\`);
          line = word;
          continue;
        }
        this.lines.push(`${line}${this.blanks()}\\`);
        while (this.chance(0.2)) this.lines.push(contIndent + this.pick(["", "  "]) + this.comment());
        line = contIndent + (this.chance(0.3) ? "    " : "") + word;
      } else line += this.blanks() + word;
    }
    if (this.chance(0.1)) line += `${this.blanks()}${this.comment()}`;
    if (this.chance(0.03)) {
      // A dangling `\` before a blank line: the statement ends there all the same.
      this.lines.push(`${line} \\`, "");
      return;
    }
    this.lines.push(line + (this.chance(0.05) ? " \t" : ""));
  }

  trivia(indent: string): void {
    while (this.chance(0.25)) {
      if (this.chance(0.5)) this.lines.push("");
      else this.lines.push(this.pick([indent, "", "  ", indent + "    "]) + this.comment());
    }
  }

  shellWords(): string[] {
    const words = ["echo", '"a  b"', "$X", "&&", "true", "'q  $x'", "$(date +%s)", "|", "tr", "a", "b", "\"#not a comment\"", "${HOME}/x"];
    return Array.from({ length: this.int(1, 6) }, () => this.pick(words));
  }

  exec(): string {
    const items = Array.from({ length: this.int(1, 3) }, () => this.pick(['"sh"', '"-c"', '"echo hi"', '"a\\"b"', '"x y"']));
    const comma = this.pick([",", ", ", " , ", ",  "]);
    return this.pick(["[", "[ "]) + items.join(comma) + this.pick(["]", " ]"]);
  }

  command(targets: string[], functions: string[]): string[] {
    const target = `+${this.pick(targets)}`;
    switch (this.int(0, 22)) {
      case 0:
        return ["RUN", ...(this.chance(0.4) ? this.flag("--mount", "type=cache,target=/c") : []), ...(this.chance(0.2) ? this.flag("--secret", "TOKEN=tok") : []), ...(this.chance(0.2) ? ["--no-cache"] : []), ...this.shellWords()];
      case 1:
        return ["RUN", ...(this.chance(0.3) ? ["--privileged"] : []), this.exec()];
      case 2:
        return ["COPY", ...(this.chance(0.3) ? ["--dir"] : []), ...(this.chance(0.3) ? this.flag("--chmod", "0644") : []), "a.txt", ...(this.chance(0.5) ? ["b/"] : []), "/dest/"];
      case 3:
        return ["COPY", ...(this.chance(0.3) ? ["--keep-ts"] : []), `(${target}/out`, "--A=1", "--B=$X)", "./"];
      case 4:
        return ["FROM", ...(this.chance(0.4) ? this.flag("--platform", "linux/amd64") : []), this.chance(0.5) ? "busybox:1.36" : target, ...(this.chance(0.3) ? ["--VERSION=1"] : [])];
      case 5:
        return ["ARG", ...(this.chance(0.2) ? ["--global"] : []), this.pick(["NAME", "MODE=fast", "LIST=a   b  c", 'Q="quoted  value"', "EMPTY="])];
      case 6:
        return [this.pick(["LET", "SET"]), this.pick(["n=1", "n=$(echo  1)", "n=a b"])];
      case 7:
        return ["ENV", ...this.pick([["A=1", "B=2"], ["C", "three", "words"], ['D="x  y"']])];
      case 8:
        return ["LABEL", ...this.pick([["a=b", "c=d"], ["key", "some", "value"]])];
      case 9:
        return ["WORKDIR", this.pick(["/src", "/a  b", "$HOME/x"])];
      case 10:
        return ["USER", this.pick(["nobody", "1000:1000"])];
      case 11:
        return ["EXPOSE", "80", ...(this.chance(0.5) ? ["443/tcp"] : [])];
      case 12:
        return ["VOLUME", ...(this.chance(0.5) ? [this.exec()] : ["/a", "/b"])];
      case 13:
        return [this.pick(["CMD", "ENTRYPOINT"]), ...(this.chance(0.6) ? [this.exec()] : this.shellWords())];
      case 14:
        return ["SAVE", "ARTIFACT", ...(this.chance(0.3) ? ["--keep-ts"] : []), "out", ...(this.chance(0.4) ? ["AS", "LOCAL", "dist/"] : [])];
      case 15:
        return ["SAVE", "IMAGE", ...(this.chance(0.3) ? ["--push"] : []), ...(this.chance(0.3) ? this.flag("--cache-from", "reg.test/x:cache") : []), "reg.test/x:latest"];
      case 16:
        return ["BUILD", ...(this.chance(0.4) ? this.flag("--platform", "linux/arm64") : []), target, ...(this.chance(0.4) ? ["--X=1", "--X=2"] : [])];
      case 17:
        return functions.length === 0 ? ["RUN", "true"] : ["DO", `+${this.pick(functions)}`, ...(this.chance(0.5) ? ["--A=1"] : [])];
      case 18:
        return ["CACHE", ...(this.chance(0.5) ? this.flag("--sharing", "shared") : []), ...(this.chance(0.3) ? this.flag("--id", "c1") : []), "/cache"];
      case 19:
        return ["HOST", "db.test", "10.0.0.2"];
      case 20:
        return ["GIT", "CLONE", ...(this.chance(0.5) ? this.flag("--branch", "main") : []), "https://git.test/r.git", "/r"];
      case 21:
        return ["HEALTHCHECK", ...this.flag("--interval", "5s"), "CMD", ...(this.chance(0.5) ? [this.exec()] : this.shellWords())];
      default:
        return ["RUN", ...this.shellWords()];
    }
  }

  body(indent: string, depth: number, targets: string[], functions: string[]): void {
    const count = this.int(1, 4);
    const inner = indent + this.pick(["    ", "  ", "\t", "   "]);
    for (let i = 0; i < count; i++) {
      this.trivia(indent);
      if (depth < 2 && this.chance(0.15)) this.block(indent, inner, depth, targets, functions);
      else this.statement(indent, this.command(targets, functions));
    }
  }

  block(indent: string, inner: string, depth: number, targets: string[], functions: string[]): void {
    const recurse = () => this.body(inner, depth + 1, targets, functions);
    switch (this.int(0, 4)) {
      case 0:
        this.statement(indent, ["IF", ...(this.chance(0.2) ? ["--no-cache"] : []), "[", "-f", "x", "]"]);
        recurse();
        if (this.chance(0.4)) {
          this.trivia(indent);
          this.statement(indent, ["ELSE", "IF", "[", '"$MODE"', "=", "fast", "]"]);
          recurse();
        }
        if (this.chance(0.4)) {
          this.trivia(indent);
          this.statement(indent, ["ELSE"]);
          recurse();
        }
        break;
      case 1:
        this.statement(indent, ["FOR", ...(this.chance(0.3) ? this.flag("--sep", '","') : []), "x", "IN", "a", "b", "$(ls)"]);
        recurse();
        break;
      case 2:
        this.statement(indent, ["WAIT"]);
        recurse();
        break;
      case 3:
        this.statement(indent, ["TRY"]);
        recurse();
        if (this.chance(0.5)) {
          this.statement(indent, ["CATCH"]);
          recurse();
        }
        this.statement(indent, ["FINALLY"]);
        recurse();
        break;
      default:
        this.statement(indent, ["WITH", "DOCKER", ...this.flag("--load", `img=+${this.pick(targets)}`), ...(this.chance(0.5) ? this.flag("--pull", "busybox") : [])]);
        recurse();
    }
    this.trivia(inner);
    this.statement(indent, ["END"]);
  }
}

/** One random Buildfile for `seed`. */
export function randomBuildfile(seed: number): string {
  const w = new Writer(seed);
  const targets = Array.from({ length: w.int(1, 4) }, (_, i) => `t${i}${w.pick(["", "-x", ".y"])}`);
  const functions = w.chance(0.5) ? ["FN"] : [];
  w.trivia("");
  if (w.chance(0.8)) w.statement("", ["VERSION", ...(w.chance(0.3) ? ["--try"] : []), "0.8"]);
  w.trivia("");
  const base = w.int(0, 3);
  for (let i = 0; i < base; i++) {
    w.trivia("");
    w.statement("", w.command(targets, functions));
  }
  const indent = w.pick(["    ", "  ", "\t", "      "]);
  const headers = [...targets, ...functions];
  for (const name of headers) {
    w.trivia(indent);
    w.lines.push(name + ":" + (w.chance(0.1) ? ` ${w.comment()}` : ""));
    if (functions.includes(name)) w.statement(indent, ["FUNCTION"]);
    w.body(indent, 0, targets, functions);
  }
  w.trivia(indent);
  return w.lines.join("\n") + (w.chance(0.8) ? "\n" : "");
}
