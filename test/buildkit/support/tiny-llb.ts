/**
 * A one-step Definition for the client's integration tests: FROM an image, RUN a script. Built with
 * the planner's LLB builder, so the client is tested with the bytes ebuild really sends.
 */
import { image, marshal, SourceMap } from "../../../src/planner/llb/index.js";

export interface TinyDefinition {
  definition: Uint8Array;
  /** The digest of the RUN's op, as it appears in Status vertexes. */
  runDigest: string;
  runName: string;
}

/** Where the RUN stands in a Buildfile, for tests of error positions. */
export interface TinySourceMap {
  filename: string;
  data: string;
  /** Where the RUN is in `data`: line from 1, character from 0. */
  line: number;
  character: number;
}

/** FROM `image`, RUN `sh -c script`; `ignoreCache` makes the RUN run again every time. */
export function runOnImage(image_: string, script: string, options: { ignoreCache?: boolean; name?: string; source?: TinySourceMap } = {}): TinyDefinition {
  const runName = options.name ?? `RUN ${script}`;
  const source = options.source;
  const location = source
    ? new SourceMap(source.filename, source.data).at({
        start: { line: source.line, character: source.character },
        end: { line: source.line, character: source.character + 3 },
      })
    : undefined;
  const state = image(image_)
    .run({
      args: ["/bin/sh", "-c", script],
      ignoreCache: options.ignoreCache ?? false,
      description: runName,
      ...(location ? { location } : {}),
    })
    .root();
  const { definition, rootDigest } = marshal(state);
  return { definition, runDigest: rootDigest, runName };
}
