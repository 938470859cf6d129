/** `--output type=tar|docker|oci,dest=FILE`: an image written to a file. */
import { EbuildError } from "../../errors.js";

/** Where and how an image is written as a file. */
export interface ImageFileOutput {
  /** `tar` (the image's file system), `docker` or `oci` (image archives; through the image store on Docker Engine). */
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
    throw new EbuildError("usage", `--output type=${type ?? ""} is not an output ebuild writes`, { hint: "use type=tar, type=docker or type=oci, with dest=FILE" });
  }
  if (!dest) throw new EbuildError("usage", `--output type=${type} needs dest=FILE`, { hint: `for example: --output type=${type},dest=image.tar` });
  return { type, dest };
}
