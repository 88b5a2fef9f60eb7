import {describe, expect, it} from 'vitest';
import {unmetTargetsMarkdown, verdictsOf} from '../../bench/unmet.js';

const results = `# Benchmark results

## Verdict

| Figure | Measured | Target | Source | Result |
| --- | --- | --- | --- | --- |
| First useful frame of \`--file\` (cloud-sync fixture: rule name on screen), ratio to bare node | 2.6× (150 ms vs 58 ms) | ≤ 2.0× | issue 14 | FAIL |
| Bytes per ↓ within a page, 136-row mapping list (demo), 160×45 | 126 B | ≤ 200 B | issue 14 | pass |
| A figure nobody explained \\| with a pipe | 3 | ≤ 2 | issue 99 | FAIL |

1 of 3 targets met.

## Details
`;

describe('the targets-not-met section of bench/RESULTS.md', () => {
	it('reads the verdict table, pipes in cells included', () => {
		const verdicts = verdictsOf(results);
		expect(verdicts.map((verdict) => verdict.result)).toEqual(['FAIL', 'pass', 'FAIL']);
		expect(verdicts[2]!.figure).toBe('A figure nobody explained | with a pipe');
	});

	it('explains every FAIL with its figures, and says so when no explanation is recorded', () => {
		const section = unmetTargetsMarkdown(verdictsOf(results));
		expect(section).toContain('measured 2.6× (150 ms vs 58 ms); target ≤ 2.0×');
		expect(section).toMatch(/\*What it would take:\* Drawing the first frame without React/);
		expect(section).not.toContain('Bytes per ↓ within a page');
		expect(section).toContain('**A figure nobody explained | with a pipe** (issue 99): measured 3; target ≤ 2.\n  *Why:* No explanation is recorded');
		expect(unmetTargetsMarkdown(verdictsOf(results).filter((verdict) => verdict.result !== 'FAIL'))).toContain('None: every target');
	});
});
