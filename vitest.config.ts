import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		environment: 'node',
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 30_000,
		env: {FORCE_COLOR: '0', NO_COLOR: '1'},
	},
});
