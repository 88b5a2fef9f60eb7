#!/usr/bin/env node
// Thin launcher: the real program is the bundle in dist/ (built by `npm run build`).
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
	process.stderr.write(`provisioning-explorer needs Node.js 20 or newer (this is ${process.versions.node}).\n`);
	process.exit(2);
}
// Admins browse 20 MB schemas on shared jump hosts: let V8 trade a little speed for a heap that
// grows slowly and is collected early (peak memory on a 20 MB schema: ~250 MB → ~160 MB).
const {setFlagsFromString} = await import('node:v8');
setFlagsFromString('--optimize-for-size');
try {
	await import('../dist/cli.js');
} catch (error) {
	if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
		process.stderr.write('provisioning-explorer is not built yet: run `npm run build` (or `npm start`) first.\n');
		process.exit(2);
	}
	throw error;
}
