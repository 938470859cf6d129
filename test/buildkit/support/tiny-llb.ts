/**
 * A hand-encoded LLB definition for the client's integration tests: an image, one RUN on it and
 * the terminal op. It exists so src/buildkit can be tested before the planner's LLB builder
 * (src/planner/llb) is merged; it writes protobuf fields by number (BuildKit v0.13's ops.proto)
 * and nothing else should use it.
 */
import { createHash } from "node:crypto";

class Writer {
  private parts: Buffer[] = [];
  private varint(value: number): void {
    const bytes: number[] = [];
    while (value > 0x7f) {
      bytes.push((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
    this.parts.push(Buffer.from(bytes));
  }
  bool(field: number, value: boolean): this {
    return this.int(field, value ? 1 : 0);
  }
  int(field: number, value: number): this {
    if (value !== 0) {
      this.varint(field << 3);
      this.varint(value);
    }
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.parts.push(Buffer.from(value));
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value));
  }
  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }
  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const digestOf = (op: Buffer) => `sha256:${createHash("sha256").update(op).digest("hex")}`;
const platform = (w: Writer) => w.message(10, (p) => p.string(1, "amd64").string(2, "linux"));

export interface TinyDefinition {
  definition: Uint8Array;
  /** The digest of the RUN's op, as it appears in Status vertexes. */
  runDigest: string;
  runName: string;
}

/** FROM `image`, RUN `sh -c script`; `ignoreCache` makes the RUN run again every time. */
export interface TinySourceMap {
  filename: string;
  data: string;
  /** Where the RUN is in `data`. */
  line: number;
  character: number;
}

export function runOnImage(image: string, script: string, options: { ignoreCache?: boolean; name?: string; source?: TinySourceMap } = {}): TinyDefinition {
  const imageSource = new Writer().message(3, (s) => s.string(1, `docker-image://${image}`));
  platform(imageSource);
  const sourceOp = imageSource.finish();
  const sourceDigest = digestOf(sourceOp);

  const exec = new Writer()
    .message(1, (i) => i.string(1, sourceDigest))
    .message(2, (e) =>
      e
        .message(1, (m) => m.string(1, "/bin/sh").string(1, "-c").string(1, script).string(2, "PATH=/usr/sbin:/usr/bin:/sbin:/bin").string(3, "/"))
        .message(2, (m) => m.string(3, "/")),
    );
  platform(exec);
  const execOp = exec.finish();
  const runDigest = digestOf(execOp);
  const terminalOp = new Writer().message(1, (i) => i.string(1, runDigest)).finish();

  const runName = options.name ?? `RUN ${script}`;
  const metadataEntry = (digest: string, build: (w: Writer) => void) => (w: Writer) => w.string(1, digest).message(2, build);
  const definition = new Writer()
    .bytes(1, sourceOp)
    .bytes(1, execOp)
    .bytes(1, terminalOp)
    .message(2, metadataEntry(runDigest, (m) => {
      // OpMetadata: ignore_cache = 1 (varint), description = 2 (map<string,string>).
      m.bool(1, options.ignoreCache ?? false);
      m.message(2, (d) => d.string(1, "llb.customname").string(2, runName));
    }))
    .finish();
  const sourceMap = options.source;
  if (!sourceMap) return { definition, runDigest, runName };
  // Definition.source: locations by op digest (Location: source index 0, one range) and the file.
  const position = (line: number, character: number) => (w: Writer) => w.int(1, line).int(2, character);
  const encodedSourceMap = new Writer()
    .message(3, (src) =>
      src
        .message(1, (entry) =>
          entry.string(1, runDigest).message(2, (locations) =>
            locations.message(1, (location) =>
              location.message(2, (range) => range.message(1, position(sourceMap.line, sourceMap.character)).message(2, position(sourceMap.line, sourceMap.character + 3))),
            ),
          ),
        )
        .message(2, (info) => info.string(1, sourceMap.filename).string(2, sourceMap.data)),
    )
    .finish();
  return { definition: Buffer.concat([definition, encodedSourceMap]), runDigest, runName };
}
