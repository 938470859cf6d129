/**
 * Test helper: `COPY <local context> /dest` onto scratch as one FileOp, the LLB a Dockerfile's
 * `FROM scratch` + `COPY . /ctx` becomes (fields of BuildKit v0.13 solver/pb/ops.proto), so a
 * benchmark can ask the daemon for exactly the work `docker buildx build` asks for. The planner's
 * LLB builder replaces this once merged.
 */
import { createHash } from "node:crypto";
import type { Op } from "../buildkit/session/llb.js";
import { FieldWriter } from "./protowire.js";

/** Copies the whole of `source` (output 0) into `dest` on an empty file system. */
export function copyOntoScratch(source: Op, dest: string): Op {
  const op = new FieldWriter()
    .message(1, (input) => input.string(1, source.digest))
    .message(4, (file) =>
      file.message(2, (action) =>
        action
          .int(1, -1) // scratch below
          .int(2, 0) // the op's first input
          .int(3, 0)
          .message(4, (copy) =>
            copy
              .string(1, "/")
              .string(2, dest)
              .int(4, -1) // keep the files' own modes
              .bool(5, true)
              .bool(6, true)
              .bool(8, true)
              .bool(9, true)
              .bool(10, true)
              .int(11, -1), // keep the files' own times
          ),
      ),
    )
    .message(10, (platform) => platform.string(1, "amd64").string(2, "linux"))
    .done();
  return { bytes: op, digest: `sha256:${createHash("sha256").update(op).digest("hex")}` };
}
