/**
 * What the exec ops of a marshalled Definition ask of the build: entitlements and session secrets.
 * The planner knows this for the RUNs it writes; an imported Definition (FROM DOCKERFILE) only
 * says it in its ops, so they are read back here.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { DefinitionSchema, MountType, NetMode, OpSchema, SecurityMode } from "../../gen/pb/ops_pb.js";

export interface DefinitionNeeds {
  /** BuildKit entitlements, sorted: `security.insecure` (privileged execs), `network.host`. */
  entitlements: string[];
  /**
   * Secret ids the execs must get: mounts and secret env vars not marked optional (BuildKit fails
   * such an exec when the session lacks the id). Optional ones are simply absent then.
   */
  requiredSecrets: string[];
}

export function definitionNeeds(bytes: Uint8Array): DefinitionNeeds {
  const entitlements = new Set<string>();
  const required = new Set<string>();
  for (const opBytes of fromBinary(DefinitionSchema, bytes).def) {
    const op = fromBinary(OpSchema, opBytes).op;
    if (op.case !== "exec") continue;
    const exec = op.value;
    if (exec.security === SecurityMode.INSECURE) entitlements.add("security.insecure");
    if (exec.network === NetMode.HOST) entitlements.add("network.host");
    const secrets = [
      ...exec.mounts.flatMap((m) => (m.mountType === MountType.SECRET && m.secretOpt !== undefined ? [m.secretOpt] : [])),
      ...exec.secretEnv,
    ];
    for (const secret of secrets) {
      if (secret.id !== "" && !secret.optional) required.add(secret.id);
    }
  }
  return { entitlements: [...entitlements].sort(), requiredSecrets: [...required].sort() };
}
