import assert from "node:assert/strict";
import { test } from "node:test";
import {
  dockerArchiveExporter,
  imageExporter,
  imageResultMetadata,
  localExporter,
  missingExporter,
  mobyExporter,
  ociArchiveExporter,
  tarExporter,
} from "../../src/buildkit/exporters.js";

const config = { architecture: "amd64", os: "linux", config: { Env: ["A=1"], WorkingDir: "/app" } };

test("exporter entries carry BuildKit's attribute names", () => {
  const cases = [
    { entry: mobyExporter({ names: ["app:1", "app:latest"] }), expected: { type: "moby", attrs: { name: "app:1,app:latest" } } },
    {
      entry: imageExporter({ names: ["app:1"], config }),
      expected: { type: "image", attrs: { name: "app:1", "containerimage.config": JSON.stringify(config) } },
    },
    {
      entry: imageExporter({ names: ["127.0.0.1:5000/app:1"], push: true, insecure: true, store: false, ociMediaTypes: true, compression: "zstd" }),
      expected: {
        type: "image",
        attrs: { name: "127.0.0.1:5000/app:1", push: "true", "registry.insecure": "true", store: "false", "oci-mediatypes": "true", compression: "zstd" },
      },
    },
    { entry: imageExporter({ names: ["app:1"] }), expected: { type: "image", attrs: { name: "app:1" } } },
    { entry: localExporter(), expected: { type: "local", attrs: {} } },
    { entry: tarExporter(), expected: { type: "tar", attrs: {} } },
    { entry: dockerArchiveExporter({ names: ["app:1"] }), expected: { type: "docker", attrs: { name: "app:1" } } },
    { entry: ociArchiveExporter({ names: [] }), expected: { type: "oci", attrs: {} } },
  ];
  for (const { entry, expected } of cases) assert.deepEqual(entry, expected);
});

test("the image configuration travels as JSON that parses back to what was given", () => {
  const attrs = imageExporter({ names: ["app:1"], config }).attrs!;
  assert.deepEqual(JSON.parse(attrs["containerimage.config"]!), config);
  const metadata = imageResultMetadata(config);
  assert.deepEqual(Object.keys(metadata), ["containerimage.config"]);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(metadata["containerimage.config"])), config);
});

test("a daemon's missing exporter is recognised by name", () => {
  const cases = [
    { message: 'exporter "oci" could not be found', expected: "oci" },
    { message: 'failed to solve: exporter "image" could not be found', expected: "image" },
    { message: "failed to compute cache key", expected: undefined },
  ];
  for (const { message, expected } of cases) assert.equal(missingExporter(message), expected, message);
});
