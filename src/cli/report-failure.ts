import chalk from "chalk";
import { EbuildError, ExitCode, type ExitCode as Code } from "../errors.js";

export interface FailureOptions {
  debug: boolean;
}

/** The one place that turns a thrown value into text on stderr and an exit code. */
export function reportFailure(error: unknown, options: FailureOptions): Code {
  if (error instanceof EbuildError) {
    const position = error.at ? `${error.at.file}:${error.at.line}:${error.at.column}` : "";
    // Formatted syntax problems already start with their position.
    const where = position && !error.message.startsWith(position) ? `${position}: ` : "";
    process.stderr.write(`${chalk.red("error:")} ${where}${error.message}\n`);
    if (error.hint) process.stderr.write(`${chalk.dim("hint:")} ${error.hint}\n`);
    if (options.debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${chalk.red("internal error:")} ${message}\n`);
  if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write(chalk.dim("run again with --debug for a stack trace\n"));
  return ExitCode.buildFailed;
}
