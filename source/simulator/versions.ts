/**
 * Schema versions look like `Date:2020-04-30T13:58:46.0955403Z, ActivityId:14d3cfa6-…` (research §1.2).
 * The demo tenant runs on its own clock — a fixed base date that only moves forward — so content is
 * deterministic and every new version is strictly newer than the one it replaces.
 */

import type {SeededRandom} from './random.js';

const ticksPerMillisecond = 10_000n;
const ticksPerSecond = 10_000_000n;

/** 100-ns ticks since the Unix epoch → ISO 8601 with 7 fraction digits, like .NET's "o" format. */
export function formatTicks(ticks: bigint): string {
	const wholeSeconds = ticks / ticksPerSecond;
	const fraction = (ticks % ticksPerSecond).toString().padStart(7, '0');
	const iso = new Date(Number(wholeSeconds * 1000n)).toISOString();
	return `${iso.slice(0, 19)}.${fraction}Z`;
}

export function ticksFromIso(iso: string): bigint {
	const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$/.exec(iso);
	if (!match) throw new RangeError(`Not an ISO UTC timestamp: ${iso}`);
	const seconds = BigInt(Date.parse(`${match[1]}Z`) / 1000);
	return seconds * ticksPerSecond + BigInt((match[2] ?? '').padEnd(7, '0'));
}

export function formatVersion(ticks: bigint, activityId: string): string {
	return `Date:${formatTicks(ticks)}, ActivityId:${activityId}`;
}

/** The ticks of a version string, or undefined if it has another shape. */
export function versionTicks(version: string | null | undefined): bigint | undefined {
	if (!version) return undefined;
	const match = /^Date:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z)/.exec(version);
	if (!match?.[1]) return undefined;
	return ticksFromIso(match[1]);
}

export class TenantClock {
	private ticks: bigint;

	constructor(
		baseIso: string,
		private readonly random: SeededRandom,
	) {
		this.ticks = ticksFromIso(baseIso);
	}

	/** Moves forward by a few seconds to a few minutes and returns the new time in ticks. */
	advance(): bigint {
		const seconds = BigInt(this.random.between(2, 240));
		this.ticks += seconds * ticksPerSecond + BigInt(this.random.int(10_000_000));
		return this.ticks;
	}

	now(): bigint {
		return this.ticks;
	}

	/** A new schema version, strictly newer than `previous` even if `previous` came from elsewhere. */
	nextVersion(previous?: string | null): string {
		const previousTicks = versionTicks(previous);
		if (previousTicks !== undefined && previousTicks >= this.ticks) this.ticks = previousTicks;
		return formatVersion(this.advance(), this.random.guid());
	}

	/** An ISO timestamp `minutesAgo` before the clock's current time (for job history). */
	isoMinutesAgo(minutesAgo: number): string {
		return formatTicks(this.ticks - BigInt(Math.round(minutesAgo * 60_000)) * ticksPerMillisecond + BigInt(this.random.int(10_000_000)));
	}
}
