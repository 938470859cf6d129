/**
 * The `+name` references of a Buildfile to its own targets and functions, with how each is used:
 * BUILD keeps the referenced target's SAVE effects, FROM, COPY and WITH DOCKER --load drop them.
 */
import type { Buildfile, Word } from "../parser/index.js";
import { parseReference } from "../planner/reference.js";
import { eachStatement, scopesOf } from "./walk.js";

export type ReferenceUse = "BUILD" | "FROM" | "COPY" | "LOAD" | "DO";

/** One use of a target or function of this same file. */
export interface LocalReference {
  /** The target or function name, without `+`. */
  name: string;
  use: ReferenceUse;
  word: Word;
  /** The target or function that holds the reference. */
  from: string;
}

/** One word that names a target, function or artifact (of any Buildfile), and how it is used. */
export interface ReferenceWord {
  use: ReferenceUse;
  word: Word;
  /** The target or function that holds the reference. */
  from: string;
}

/**
 * Every word written where a reference may stand (BUILD, FROM, COPY sources, DO, WITH DOCKER --load),
 * whether or not it is one: `FROM alpine` is an image, `COPY src .` a host path.
 */
export function referenceWords(buildfile: Buildfile): ReferenceWord[] {
  const out: ReferenceWord[] = [];
  for (const scope of scopesOf(buildfile)) {
    const add = (word: Word, use: ReferenceUse) => out.push({ use, word, from: scope.name });
    eachStatement(scope.recipe, (s) => {
      switch (s.kind) {
        case "BUILD":
          add(s.target, "BUILD");
          break;
        case "FROM":
          add(s.image, "FROM");
          break;
        case "COPY":
          for (const source of s.sources) add(source.source, "COPY");
          break;
        case "DO":
          add(s.function, "DO");
          break;
        case "WITH_DOCKER":
          for (const load of s.flags.loads) add(load.target, "LOAD");
          break;
        default:
          break;
      }
    });
  }
  return out;
}

/** Every reference to a target or function of this file (`+name` or `./+name`, never `./dir+name` or `lib+name`). */
export function localReferences(buildfile: Buildfile): LocalReference[] {
  return referenceWords(buildfile).flatMap(({ use, word, from }) => {
    const name = localName(word.text);
    return name === undefined ? [] : [{ name, use, word, from }];
  });
}

/** The target or function name when `text` refers into this same file, else undefined. */
function localName(text: string): string | undefined {
  if (!text.includes("+")) return undefined;
  try {
    const reference = parseReference(text);
    const { home } = reference;
    // `./+t` names this same directory's Buildfile, like `+t`.
    const here = home.kind === "here" || (home.kind === "directory" && (home.path === "." || home.path === "./"));
    return here ? reference.name : undefined;
  } catch {
    // A host path with a `+` in it, or a malformed reference the planner reports on its own.
    return undefined;
  }
}
