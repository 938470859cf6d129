/**
 * The planner: Buildfile targets to the Plan the executor runs (LLB definitions, the SAVE effects
 * that fire, those that do not and why). Pure: files through a SourceReader, the daemon through an
 * Engine.
 */
export { plan, type PlanRequest, type PlanResult } from "./assemble.js";
export type { Engine, BuildPlace, ResolvedImage } from "./engine.js";
export type { HostShell, HostPlace, HostEvaluation } from "./host-shell.js";
export type { GitFacts } from "./variables.js";
export type { SourceReader } from "./source.js";
export { MemorySourceReader, BuildfileLoader, buildfileNames } from "./source.js";
export { parseForPlanning } from "./parse.js";
export { parseReference, formatReference, type Reference } from "./reference.js";
export type * from "./plan.js";
