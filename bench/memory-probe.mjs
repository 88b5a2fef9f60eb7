/**
 * Loaded into the explorer by bench/memory.ts (`node --import bench/memory-probe.mjs bin/provisioning-explorer.js`),
 * so the product carries no measuring code: every PVX_MEMORY_PROBE_MS (default 1000) it appends one JSON line of
 * process.memoryUsage() to the file named by PVX_MEMORY_PROBE. heapUsed includes garbage not yet collected; the
 * bench judges growth on minima over windows, which approach the live size after each collection.
 * PVX_PROBE_V8_FLAGS sets V8 flags at run time before the explorer starts (for trying heap settings by hand).
 */
import {appendFileSync} from 'node:fs';
import {constants, PerformanceObserver} from 'node:perf_hooks';
import {setFlagsFromString} from 'node:v8';

if (process.env.PVX_PROBE_V8_FLAGS) setFlagsFromString(process.env.PVX_PROBE_V8_FLAGS);

const file = process.env.PVX_MEMORY_PROBE;
if (file) {
	const every = Number(process.env.PVX_MEMORY_PROBE_MS) || 1000;
	const started = performance.now();
	// Time spent in garbage collection so far (the main thread's pauses), to tell GC from other work.
	let gcMs = 0;
	let majorGcs = 0;
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			gcMs += entry.duration;
			if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
		}
	}).observe({entryTypes: ['gc']});
	const sample = () => {
		const usage = process.memoryUsage();
		appendFileSync(
			file,
			`${JSON.stringify({ms: Math.round(performance.now() - started), rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, gcMs: Math.round(gcMs), majorGcs})}\n`,
		);
	};
	// unref: the probe never keeps the explorer alive after q.
	setInterval(sample, every).unref();
	sample();
}
