import { defineConfig } from "vitest/config";

/**
 * Tests that run the app as real processes (killing, restarting, two at once):
 * one file at a time, after the rest, so they never compete with the parallel
 * tests for this machine's two cores (their timings are part of what they check).
 */
const PROCESS_TESTS = [
  "test/fault.test.ts",
  "test/replicas.test.ts",
  "test/redis-restart.test.ts",
  "test/complaint-process.test.ts",
  "test/telegram-process.test.ts",
  "test/terminal.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "in-process", include: ["test/**/*.test.ts"], exclude: PROCESS_TESTS, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: "processes",
          include: PROCESS_TESTS,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
