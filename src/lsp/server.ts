/**
 * `ebuild lsp`: the language server, over any pair of streams (stdin/stdout for editors). This module
 * only wires LSP requests to the modules that answer them; vscode-languageserver does the JSON-RPC
 * framing, the lifecycle (initialize, shutdown, exit) and incremental document sync.
 */
import { resolve } from "node:path";
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type Location,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { completionsAt } from "./completion.js";
import { diagnosticsOf } from "./diagnostics.js";
import { hoverAt } from "./hover.js";
import { toRange } from "./positions.js";
import { documentSymbolsOf } from "./symbols.js";
import { definitionOf, referencesTo, symbolAt } from "./targets.js";
import { pathOfUri, uriOfPath, Workspace, type ParsedFile } from "./workspace.js";

export function startLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  // Open documents' URIs by path, so the workspace reads the editor's text before the disk's.
  const openByPath = new Map<string, string>();
  const openText = (path: string) => {
    const uri = openByPath.get(path);
    return uri === undefined ? undefined : documents.get(uri)?.getText();
  };
  let workspace = new Workspace([], openText, () => [...openByPath.keys()]);

  connection.onInitialize((params) => {
    workspace = new Workspace(rootsOf(params), openText, () => [...openByPath.keys()]);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        completionProvider: { triggerCharacters: ["+", "-"] },
      },
      serverInfo: { name: "ebuild" },
    };
  });

  const parsed = (uri: string): ParsedFile | undefined => {
    const path = pathOfUri(uri);
    return path === undefined ? undefined : workspace.parsed(path);
  };

  documents.onDidOpen(({ document }) => {
    const path = pathOfUri(document.uri);
    if (path !== undefined) openByPath.set(path, document.uri);
  });
  documents.onDidClose(({ document }) => {
    const path = pathOfUri(document.uri);
    if (path !== undefined) openByPath.delete(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
  // Fires on open and on every change, after the open map above is up to date.
  documents.onDidChangeContent(({ document }) => {
    const file = parsed(document.uri);
    if (file === undefined) return;
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnosticsOf(file.result, file.text) });
  });

  connection.onHover(({ textDocument, position }) => {
    const file = parsed(textDocument.uri);
    return file === undefined ? null : hoverAt(workspace, file.text, file.result.buildfile, position);
  });

  connection.onCompletion(({ textDocument, position }) => {
    const file = parsed(textDocument.uri);
    return file === undefined ? [] : completionsAt(workspace, file.text, file.result.buildfile, position);
  });

  connection.onDefinition(({ textDocument, position }) => {
    const buildfile = parsed(textDocument.uri)?.result.buildfile;
    const found = buildfile === undefined ? undefined : symbolAt(workspace, buildfile, position);
    const definition = found === undefined ? undefined : definitionOf(workspace, found.symbol);
    return definition === undefined ? null : { uri: uriOfPath(definition.file), range: toRange(definition.nameRange) };
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const buildfile = parsed(textDocument.uri)?.result.buildfile;
    const found = buildfile === undefined ? undefined : symbolAt(workspace, buildfile, position);
    if (found === undefined) return [];
    const locations: Location[] = referencesTo(workspace, found.symbol).map((site) => ({ uri: uriOfPath(site.word.range.file), range: toRange(site.word.range) }));
    const definition = context.includeDeclaration ? definitionOf(workspace, found.symbol) : undefined;
    return definition === undefined ? locations : [{ uri: uriOfPath(definition.file), range: toRange(definition.nameRange) }, ...locations];
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const buildfile = parsed(textDocument.uri)?.result.buildfile;
    return buildfile === undefined ? [] : documentSymbolsOf(buildfile);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The folders to search for other Buildfiles: the workspace's, else the root's, else none. */
function rootsOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri === null || params.rootUri === undefined ? [] : [params.rootUri]);
  const roots = uris.flatMap((uri) => pathOfUri(uri) ?? []);
  if (roots.length === 0 && typeof params.rootPath === "string") roots.push(params.rootPath);
  return roots.map((r) => resolve(r));
}
