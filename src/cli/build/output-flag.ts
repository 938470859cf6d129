/** `--output type=tar,dest=FILE`: an image written to a file instead of Docker's image store. */
import { EbuildError } from "../../errors.js";

/** Where and how an image is written as a file. */
export interface ImageFileOutput {
  /** The BuildKit exporter: `tar` (the image's file system); `docker` and `oci` on a standalone buildkitd. */
  type: "tar" | "docker" | "oci";
  dest: string;
}

/** Parses `type=tar,dest=FILE`; other keys and types are usage errors. */
export function parseOutputFlag(spec: string): ImageFileOutput {
  const fields = new Map<string, string>();
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new EbuildError("usage", `--output ${spec}: "${part}" is not KEY=VALUE`, { hint: "for example: --output type=tar,dest=image.tar" });
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const type = fields.get("type");
  const dest = fields.get("dest");
  if (type !== "tar" && type !== "docker" && type !== "oci") {
    throw new EbuildError("usage", `--output type=${type ?? ""} is not an output ebuild writes`, { hint: "use type=tar,dest=FILE (or docker/oci on a standalone buildkitd)" });
  }
  if (!dest) throw new EbuildError("usage", `--output type=${type} needs dest=FILE`, { hint: `for example: --output type=${type},dest=image.tar` });
  return { type, dest };
}
