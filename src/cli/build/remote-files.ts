/**
 * Remote Buildfiles for commands that otherwise plan without a daemon (`ebuild plan`): the daemon
 * is reached only when a remote reference is met, and only for reading git checkouts, so planning
 * a project without remote references still needs no daemon and its plan does not change.
 */
import { BuildkitClient } from "../../buildkit/client.js";
import type { GitFiles } from "../../planner/engine.js";
import type { GitCheckout } from "../../planner/remote.js";
import { BuildkitEngine } from "./buildkit-engine.js";
import { openBuildSession, type OpenBuildSession } from "./build-session.js";

export class OnDemandGitFiles implements GitFiles {
  private opened: Promise<{ client: BuildkitClient; session: OpenBuildSession; engine: BuildkitEngine }> | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async readGitFile(checkout: GitCheckout, path: string): Promise<string | undefined> {
    this.opened ??= this.open();
    return (await this.opened).engine.readGitFile(checkout, path);
  }

  /** Ends the planning build and the connection, if a remote reference opened them. */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened === undefined) return;
    const { client, session, engine } = await opened;
    await engine.close().catch(() => {});
    await session.close();
    client.close();
  }

  private async open(): Promise<{ client: BuildkitClient; session: OpenBuildSession; engine: BuildkitEngine }> {
    const client = await BuildkitClient.connect({ env: this.env });
    // The session serves nothing but answers the daemon's GIT_AUTH_* secret lookups (none here).
    const session = await openBuildSession(client, { contexts: new Map(), secrets: new Map() }, "ebuild-plan:git");
    return { client, session, engine: new BuildkitEngine(client, session.id) };
  }
}
