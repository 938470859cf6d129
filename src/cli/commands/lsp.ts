/**
 * `ebuild lsp`: runs the language server on stdin/stdout until the editor sends `exit`. Nothing else
 * may write to stdout while it runs: every byte there is protocol.
 */
import { startLanguageServer } from "../../lsp/server.js";

export function lsp(): void {
  startLanguageServer(process.stdin, process.stdout);
}
