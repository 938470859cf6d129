/** Shared variables for the expansion tables: set, empty, and values holding glob characters. */
export const vars: Record<string, string> = {
  PWD: "/home",
  SHELL: "bash",
  NULL: "",
  V: "a*b*c",
  STAR: "*x",
  VARIANT: "v1.2.3",
  FILE: "archive.tar.gz",
  PATHS: "/usr/local/bin:/usr/bin:/bin",
  SPACE: "abc  def",
  PORTS: "80 443",
  MULTI: "first\nsecond",
  LEADING: "  ab c",
  KOREAN: "한국어",
  URL: "http://example.test",
  NEEDLE: "\\*/",
  GLOBS: "/foo*/*/*.txt",
};

export const lookup = (name: string): string | undefined => vars[name];
