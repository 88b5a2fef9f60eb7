import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		environment: 'node',
		pool: 'forks',
		setupFiles: ['test/helpers/isolated-state.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// No test may reach beyond 127.0.0.1: a developer's proxy settings must not route tests anywhere.
		env: {FORCE_COLOR: '0', NO_COLOR: '1', HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: ''},
	},
});
