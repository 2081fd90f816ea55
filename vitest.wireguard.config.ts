import { defineConfig } from 'vitest/config';

/** The WireGuard end-to-end tests: root, network namespaces, real tunnels (`npm run test:wireguard`). */
export default defineConfig({
  test: {
    include: ['test/e2e/wireguard*.test.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
