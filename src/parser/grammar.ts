/**
 * The Buildfile grammar (Chevrotain). It fixes the shape of a file: the base recipe, `name:` headers
 * with their indented recipes, one-line commands, and the blocks closed by END. What the words of a
 * command mean (flags, forms) is the visitor's job, so one rule serves every one-line command and
 * errors about a command's arguments can name the command.
 *
 * Rules are class fields, so a misspelt rule name fails to compile.
 */
import { CstParser, type CstNode, type IOrAlt, type IRecognitionException, type IToken } from "chevrotain";
import {
  allTokens,
  Catch,
  CommandKeyword,
  Else,
  End,
  Finally,
  For,
  Header,
  If,
  Newline,
  Try,
  Wait,
  With,
  Word,
} from "./tokens.js";

export class BuildfileGrammar extends CstParser {
  // Alternatives are built once: a fresh array of closures per OR would cost time on every line.
  private topLevelAlts: IOrAlt<unknown>[] | undefined;
  private strayAlts: IOrAlt<unknown>[] | undefined;
  private statementAlts: IOrAlt<unknown>[] | undefined;

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2, nodeLocationTracking: "onlyOffset" });
    this.performSelfAnalysis();
  }

  /**
   * A whole file, flat: statements, `name:` header lines and stray block keywords in any order.
   * The visitor hands each statement to the header above it. Keeping the top level flat lets the
   * parser resume at the next line after any error, so one run reports every broken line.
   */
  public buildfile = this.RULE("buildfile", () => {
    this.OPTION(() => this.CONSUME(Newline));
    this.MANY(() =>
      this.OR(
        (this.topLevelAlts ??= [
          { ALT: () => this.SUBRULE(this.statement) },
          { ALT: () => this.SUBRULE(this.target) },
          { ALT: () => this.SUBRULE(this.strayLine) },
        ]),
      ),
    );
  });

  /** `name:` (target) or `NAME:` (function); its recipe is the indented statements below. */
  public target = this.RULE("target", () => {
    this.CONSUME(Header);
    this.SUBRULE(this.words); // nothing may follow the colon; the visitor says so
  });

  /** END, ELSE, CATCH or FINALLY with no open block: reported, then parsing goes on. */
  public strayLine = this.RULE("strayLine", () => {
    this.OR(
      (this.strayAlts ??= [
        { ALT: () => this.CONSUME(End) },
        { ALT: () => this.CONSUME(Else) },
        { ALT: () => this.CONSUME(Catch) },
        { ALT: () => this.CONSUME(Finally) },
      ]),
    );
    this.OPTION(() => this.CONSUME(If));
    this.SUBRULE(this.words);
  });

  /** One line of a recipe or one block (the visitor checks that target recipes are indented). */
  public statement = this.RULE("statement", () => {
    this.OR(
      (this.statementAlts ??= [
        { ALT: () => this.SUBRULE(this.command) },
        { ALT: () => this.SUBRULE(this.ifBlock) },
        { ALT: () => this.SUBRULE(this.forBlock) },
        { ALT: () => this.SUBRULE(this.waitBlock) },
        { ALT: () => this.SUBRULE(this.tryBlock) },
        { ALT: () => this.SUBRULE(this.withBlock) },
        { ALT: () => this.SUBRULE(this.unknownCommand) },
      ]),
    );
  });

  /** A one-line command: its keyword, then its words. */
  public command = this.RULE("command", () => {
    this.CONSUME(CommandKeyword);
    this.SUBRULE(this.words);
  });

  /** A line starting with a word that is no keyword; reported with the closest keyword. */
  public unknownCommand = this.RULE("unknownCommand", () => {
    this.CONSUME(Word, { LABEL: "name" });
    this.SUBRULE(this.words);
  });

  /** The rest of a logical line. */
  public words = this.RULE("words", () => {
    this.MANY(() => this.CONSUME(Word));
    this.CONSUME(Newline);
  });

  /** Statements up to the keyword that continues or closes the block. */
  public body = this.RULE("body", () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  /** The END of a block, on its own line. */
  public end = this.RULE("end", () => {
    this.CONSUME(End);
    this.SUBRULE(this.words);
  });

  /** `IF cond` body, any `ELSE IF cond` / `ELSE` arms, `END`. */
  public ifBlock = this.RULE("ifBlock", () => {
    this.CONSUME(If);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
    this.MANY(() => this.SUBRULE(this.elseArm));
    this.SUBRULE(this.end);
  });

  public elseArm = this.RULE("elseArm", () => {
    this.CONSUME(Else);
    this.OPTION2(() => this.CONSUME(If));
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
  });

  /** `FOR var IN expr` body `END` */
  public forBlock = this.RULE("forBlock", () => {
    this.CONSUME(For);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
    this.SUBRULE(this.end);
  });

  /** `WAIT` body `END` */
  public waitBlock = this.RULE("waitBlock", () => {
    this.CONSUME(Wait);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
    this.SUBRULE(this.end);
  });

  /** `TRY` body [`CATCH` body] [`FINALLY` body] `END` */
  public tryBlock = this.RULE("tryBlock", () => {
    this.CONSUME(Try);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
    this.OPTION(() => this.SUBRULE(this.catchArm));
    this.OPTION2(() => this.SUBRULE(this.finallyArm));
    this.SUBRULE(this.end);
  });

  public catchArm = this.RULE("catchArm", () => {
    this.CONSUME(Catch);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
  });

  public finallyArm = this.RULE("finallyArm", () => {
    this.CONSUME(Finally);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
  });

  /** `WITH DOCKER [flags]` body `END` */
  public withBlock = this.RULE("withBlock", () => {
    this.CONSUME(With);
    this.SUBRULE(this.words);
    this.SUBRULE(this.body);
    this.SUBRULE(this.end);
  });
}

/** One parser instance serves every parse (Chevrotain parsers are reusable and costly to build). */
let shared: BuildfileGrammar | undefined;

export function grammar(): BuildfileGrammar {
  shared ??= new BuildfileGrammar();
  return shared;
}

/** The CST of a token list, with Chevrotain's errors (recovery keeps going after each one). */
export function parseTokens(tokens: IToken[]): { cst: CstNode; errors: IRecognitionException[] } {
  const parser = grammar();
  parser.input = tokens;
  const cst = parser.buildfile();
  const errors = parser.errors;
  // Let go of the tokens: the shared parser would keep the last file's (tens of thousands of
  // objects for a large Buildfile) alive until the next parse, for the collector to copy meanwhile.
  parser.input = [];
  return { cst, errors };
}
