#!/usr/bin/env node
// Thin launcher: the real program is the bundle in dist/ (built by `npm run build`).
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
	process.stderr.write(`provisioning-explorer needs Node.js 20 or newer (this is ${process.versions.node}).\n`);
	process.exit(2);
}
try {
	await import('../dist/cli.js');
} catch (error) {
	if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
		process.stderr.write('provisioning-explorer is not built yet: run `npm run build` (or `npm start`) first.\n');
		process.exit(2);
	}
	throw error;
}
