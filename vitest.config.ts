import { defineConfig } from "vitest/config";

// Unit tests live next to the code; integration/e2e tests in test/. The `long` project holds the
// long torture and concurrency runs (`npm run test:long`, size via SIZE=N).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.{ts,tsx}"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.{ts,tsx}"],
          exclude: ["test/long/**"],
          fileParallelism: true,
        },
      },
      {
        extends: true,
        test: {
          name: "long",
          include: ["test/long/**/*.test.ts"],
          testTimeout: 3_600_000,
        },
      },
    ],
  },
});
