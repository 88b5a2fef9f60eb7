/**
 * A client-side wait for provisionOnDemand's documented limit (5 requests per 10 s): rather than being
 * answered 429, the caller waits, and is told how long before the wait starts.
 */

export type LimiterOptions = {requests?: number; windowMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void>};

export class SlidingWindowLimiter {
	private readonly times: number[] = [];
	private readonly requests: number;
	private readonly windowMs: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;

	constructor(options: LimiterOptions = {}) {
		this.requests = options.requests ?? 5;
		this.windowMs = options.windowMs ?? 10_000;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
	}

	/** How long the next request would have to wait now (ms). */
	delay(): number {
		const now = this.now();
		while (this.times.length > 0 && now - (this.times[0] as number) >= this.windowMs) this.times.shift();
		if (this.times.length < this.requests) return 0;
		return (this.times[this.times.length - this.requests] as number) + this.windowMs - now;
	}

	/** Waits for a free slot (telling `onWait` first), then takes it. */
	async take(onWait?: (waitMs: number) => void): Promise<void> {
		for (;;) {
			const wait = this.delay();
			if (wait <= 0) break;
			onWait?.(wait);
			await this.sleep(wait);
		}
		this.times.push(this.now());
	}
}

/** `Waiting 4 s: provision on demand allows 5 requests per 10 s.` */
export function describeLimiterWait(waitMs: number): string {
	return `Waiting ${Math.max(1, Math.ceil(waitMs / 1000))} s: Microsoft allows 5 provision-on-demand requests per 10 s.`;
}
