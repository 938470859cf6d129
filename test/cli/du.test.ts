import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { cacheUsageReport } from "../../src/cli/commands/du.js";
import { UsageRecordSchema } from "../../src/gen/moby/buildkit/v1/control_pb.js";

const now = Date.UTC(2026, 10, 23, 10, 0, 0);
const record = (id: string, size: number, options: { inUse?: boolean; description?: string; usedSecondsAgo?: number } = {}) =>
  create(UsageRecordSchema, {
    id,
    size: BigInt(size),
    inUse: options.inUse ?? false,
    description: options.description ?? `entry ${id}`,
    recordType: "regular",
    ...(options.usedSecondsAgo !== undefined ? { lastUsedAt: timestampFromMs(now - options.usedSecondsAgo * 1000) } : {}),
  });

test("du lists entries largest first with reclaimable, size, age and description, then totals", () => {
  const lines = cacheUsageReport(
    [
      record("aaaaaaaaaaaaaaaa", 1_500, { usedSecondsAgo: 30 }),
      record("bbbbbbbbbbbbbbbb", 2_000_000, { inUse: true, description: "mount / from exec /bin/sh -c make\n  all", usedSecondsAgo: 7200 }),
      record("cccccccccccccccc", 0),
    ],
    { verbose: false, now },
  );
  assert.deepEqual(lines, [
    "ID            RECLAIMABLE  SIZE    LAST USED  DESCRIPTION",
    "bbbbbbbbbbbb  no           2.0 MB  2 h ago    mount / from exec /bin/sh -c make all",
    "aaaaaaaaaaaa  yes          1.5 kB  30 s ago   entry aaaaaaaaaaaaaaaa",
    "cccccccccccc  yes          0 B     never      entry cccccccccccccccc",
    "",
    "Entries:      3",
    "Reclaimable:  1.5 kB",
    "Total:        2.0 MB",
  ]);
});

test("du shows the ten largest entries unless --verbose", () => {
  const records = Array.from({ length: 14 }, (_, i) => record(`id${String(i).padStart(10, "0")}`, (i + 1) * 1000));
  const short = cacheUsageReport(records, { verbose: false, now });
  assert.equal(short.filter((l) => l.startsWith("id")).length, 10);
  assert.ok(short[1]!.startsWith("id0000000013"), "largest first");
  assert.ok(short.includes("… 4 smaller entries (--verbose lists all)"));
  const all = cacheUsageReport(records, { verbose: true, now });
  assert.equal(all.filter((l) => l.startsWith("id")).length, 14);
  assert.ok(!all.some((l) => l.includes("smaller entries")));
});

test("an empty cache is just the totals", () => {
  assert.deepEqual(cacheUsageReport([], { verbose: true, now }), ["Entries:      0", "Reclaimable:  0 B", "Total:        0 B"]);
});
