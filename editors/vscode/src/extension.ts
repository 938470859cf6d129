/**
 * The Buildfile extension: VS Code highlights Buildfiles with the TextMate grammar (declared in
 * package.json) and this starts `ebuild lsp` for everything else, restarting it when the
 * `ebuild.path` setting changes.
 */
import { workspace, window, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  await start();
  context.subscriptions.push(
    workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("ebuild.path")) return;
      await stop();
      await start();
    }),
  );
}

export function deactivate(): Promise<void> {
  return stop();
}

async function start(): Promise<void> {
  const command = workspace.getConfiguration("ebuild").get<string>("path", "ebuild");
  // TransportKind.stdio adds --stdio, which `ebuild lsp` accepts.
  const server: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const options: LanguageClientOptions = {
    // The server reads Buildfiles that are not open from disk when asked, so it needs no file events.
    documentSelector: [{ scheme: "file", language: "buildfile" }],
  };
  client = new LanguageClient("ebuild", "ebuild", server, options);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    void window.showErrorMessage(`Could not start \`${command} lsp\`: ${message}. Set ebuild.path to the ebuild executable.`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) await running.stop();
}
