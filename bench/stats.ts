/** Order statistics for small samples of noisy timings. */

/** Percentile by linear interpolation between closest ranks (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = (p / 100) * (sorted.length - 1);
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number {
	return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
	return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function formatMs(ms: number): string {
	return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
	if (bytes >= 10 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
	return `${Math.round(bytes)} B`;
}

export function formatRatio(ratio: number): string {
	return `${ratio.toFixed(2)}×`;
}

/** For runs that take seconds: "8.54 s", "42.5 s". */
export function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return seconds >= 10 ? `${seconds.toFixed(1)} s` : `${seconds.toFixed(2)} s`;
}
