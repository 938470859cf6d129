/**
 * gRPC health checking: the daemon calls Health/Check every few seconds and drops the session after
 * two failures, so this must answer promptly even while big transfers run.
 */
import { Health, HealthCheckRequestSchema, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { methodPath, unary, type Attachable } from "./attachable.js";

/** Always SERVING: the session is healthy for as long as its connection is up. */
export function healthService(): Attachable {
  const check = unary(HealthCheckRequestSchema, HealthCheckResponseSchema, async () => ({
    status: HealthCheckResponse_ServingStatus.SERVING,
  }));
  return { methods: new Map([[methodPath(Health, "check"), check]]) };
}
