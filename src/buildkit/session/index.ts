/**
 * The BuildKit session ebuild serves to the daemon: health, build-context upload, export receive,
 * registry auth, secrets and ssh agent forwarding. The client opens the tunnel; this folder answers the calls inside it.
 */
export { serveSession, sessionMethods } from "./serve.js";
export type { Attachable } from "./attachable.js";
export { fileSyncService } from "./file-sync.js";
export { fileSendService, fileTarget, streamTarget, type ExportTarget } from "./file-send.js";
export { authService, type CredentialSource, type RegistryCredentials } from "./auth.js";
export { secretsService, type SecretSource } from "./secrets.js";
export { sshAgentService, defaultAgentId } from "./ssh-agent.js";
export { GrpcError, GrpcStatus } from "./grpc-server.js";
