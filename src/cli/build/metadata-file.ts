/** `--metadata-file FILE`: what the build produced, as JSON for scripts and CI. */
import { writeFile } from "node:fs/promises";
import type { ExecutionReport } from "./execute-plan.js";

/** The file's shape; stable for scripts that read it. */
export interface BuildMetadata {
  images: Array<{ target: string; name: string; digest?: string; pushed: boolean }>;
  artifacts: Array<{ target: string; path: string }>;
  notDone: Array<{ target: string; what: string; reason: string }>;
}

/** Collects the reports of one `ebuild` run into BuildMetadata. */
export function buildMetadata(reports: readonly ExecutionReport[]): BuildMetadata {
  return {
    images: reports.flatMap((r) =>
      r.images.flatMap((i) => i.names.map((name) => ({ target: i.target, name, ...(i.digest ? { digest: i.digest } : {}), pushed: i.pushed === true }))),
    ),
    artifacts: reports.flatMap((r) => r.artifacts.map((a) => ({ target: a.target, path: a.path }))),
    notDone: reports.flatMap((r) => r.notDone),
  };
}

/** Writes the metadata of a successful build to `path`. */
export async function writeMetadataFile(path: string, reports: readonly ExecutionReport[]): Promise<void> {
  await writeFile(path, `${JSON.stringify(buildMetadata(reports), null, 2)}\n`);
}
