/**
 * ebuild's LLB builder, the planner's only way to describe builds to BuildKit. Build States from
 * sources, derive new ones with `run`, `file`, `merge` and `diff`, then `marshal` them.
 *
 *   const base = image("alpine:3.20").dir("/src");
 *   const built = base.file(copy(local("context"), "app", ".")).run({ args: "make" }).root();
 *   const { definition } = marshal(built);
 */
export { State, type NetworkMode, type SecurityMode, type ExtraHost } from "./state.js";
export { image, scratch, local, git, http } from "./source.js";
export type { ImageOptions, LocalOptions, GitOptions, HttpOptions, ResolveMode } from "./source.js";
export { ExecState, defaultPathEnv, defaultSshTarget } from "./exec.js";
export type { RunOptions, Mount, CacheSharing, SecretEnv, ProxyEnv } from "./exec.js";
export { FileAction, copy, mkdir, mkfile, rm, constantCopyTime } from "./file.js";
export type { CopyOptions, MkdirOptions, MkfileOptions, RmOptions, Chown } from "./file.js";
export { merge, diff } from "./merge.js";
export { fromDefinition, type ImportOptions, type ImportedSource } from "./definition.js";
export { definitionNeeds, type DefinitionNeeds } from "./definition-needs.js";
export { marshal, outputDigests, type MarshalOptions, type MarshalledDefinition } from "./marshal.js";
export { dumpDefinition, type DumpedDefinition, type DumpedOp } from "./dump.js";
export { digestOf } from "./digest.js";
export { SourceMap, type SourceLocation, type SourceRange, type SourcePosition } from "./sourcemap.js";
export { defaultPlatform, parsePlatform, formatPlatform, type Platform, type OpOptions } from "./constraints.js";
export { normalizeImageRef } from "./reference.js";
