/**
 * ssh agent forwarding for `RUN --ssh` and a Dockerfile's `RUN --mount=type=ssh`: the daemon opens
 * one ForwardAgent stream per connection the RUN makes to its agent socket, and ebuild relays it
 * to the user's agent (SSH_AUTH_SOCK). As BuildKit's own client does, the build only gets to list
 * keys and sign with them: requests that would add, remove or lock keys are answered with a
 * failure here and never reach the agent.
 */
import { createConnection, type Socket } from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BytesMessageSchema, CheckAgentRequestSchema, CheckAgentResponseSchema, SSH } from "../../gen/moby/sshforward/v1/ssh_pb.js";
import { methodPath, unary, type Attachable } from "./attachable.js";
import { GrpcError, GrpcStatus, type ServerCall } from "./grpc-server.js";

/** BuildKit's id for the agent a mount names none for. */
export const defaultAgentId = "default";

/** The call metadata key naming the agent a ForwardAgent stream is for (sshforward.KeySSHID). */
const agentIdKey = "buildkit.ssh.id";

/** Agent protocol message types (draft-miller-ssh-agent): the two a build may send, and the refusal. */
const requestIdentities = 11;
const signRequest = 13;
const agentFailure = Uint8Array.of(0, 0, 0, 1, 5);

/** OpenSSH's agent refuses messages above 256 KiB; so do we, before buffering more. */
const maxMessageBytes = 256 * 1024;

/** Serves the agents by id (`default` → the path of SSH_AUTH_SOCK). */
export function sshAgentService(agents: ReadonlyMap<string, string>): Attachable {
  const socketOf = (id: string): string => {
    const path = agents.get(id === "" ? defaultAgentId : id);
    if (path === undefined) {
      throw new GrpcError(GrpcStatus.notFound, `no ssh agent ${id || defaultAgentId} is forwarded (ebuild forwards SSH_AUTH_SOCK as "default")`);
    }
    return path;
  };
  const checkAgent = unary(CheckAgentRequestSchema, CheckAgentResponseSchema, async (request) => {
    socketOf(request.ID);
    return {};
  });
  const forwardAgent = async (call: ServerCall): Promise<void> => {
    const agent = await AgentConnection.open(socketOf(call.metadata.get(agentIdKey)?.[0] ?? ""), call.signal);
    try {
      const requests = new MessageFramer();
      for await (const bytes of call.messages()) {
        for (const message of requests.push(fromBinary(BytesMessageSchema, bytes).data)) {
          const type = message[4];
          const answer = type === requestIdentities || type === signRequest ? await agent.ask(message) : agentFailure;
          await call.send(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: answer })));
        }
      }
    } finally {
      agent.close();
    }
  };
  return {
    methods: new Map([
      [methodPath(SSH, "checkAgent"), checkAgent],
      [methodPath(SSH, "forwardAgent"), forwardAgent],
    ]),
  };
}

/** Cuts a byte stream into agent messages (a 4-byte big-endian length, then that many bytes). */
class MessageFramer {
  private buffered = Buffer.alloc(0);

  /** Adds bytes; returns the messages now complete, each with its length prefix. */
  push(bytes: Uint8Array): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, bytes]);
    const messages: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length === 0 || length > maxMessageBytes) throw new GrpcError(GrpcStatus.invalidArgument, `ssh agent message of ${length} bytes refused`);
      if (this.buffered.length < 4 + length) break;
      messages.push(this.buffered.subarray(0, 4 + length));
      this.buffered = this.buffered.subarray(4 + length);
    }
    return messages;
  }
}

/** One connection to the user's agent, asked one message at a time (the protocol answers in order). */
class AgentConnection {
  private readonly framer = new MessageFramer();
  private readonly answers: Buffer[] = [];
  private waiting: { resolve: (answer: Buffer) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (bytes: Buffer) => {
      try {
        this.answers.push(...this.framer.push(bytes));
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      this.deliver();
    });
    socket.on("error", (error) => this.fail(new GrpcError(GrpcStatus.unavailable, `the ssh agent connection failed: ${error.message}`)));
    socket.on("close", () => this.fail(new GrpcError(GrpcStatus.unavailable, "the ssh agent closed the connection")));
  }

  static open(path: string, signal: AbortSignal): Promise<AgentConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      const onAbort = () => socket.destroy();
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("error", (error) => reject(new GrpcError(GrpcStatus.unavailable, `cannot reach the ssh agent at ${path}: ${error.message}`)));
      socket.once("connect", () => resolve(new AgentConnection(socket)));
      socket.once("close", () => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Sends one request message and resolves with the agent's answer to it. */
  ask(message: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(message);
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    const answer = this.answers.shift();
    if (answer === undefined || this.waiting === undefined) {
      if (answer !== undefined) this.answers.unshift(answer);
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(answer);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}
