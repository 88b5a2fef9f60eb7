import {describe, expect, it} from 'vitest';
import {jobsScreen} from '../../source/ui/screens/jobs.js';
import {cellWidth, fitTrail, layoutColumns} from '../../source/ui/text.js';

describe('fitTrail (the breadcrumb)', () => {
	const parts = ['contoso.com (demo)', 'contoso.com', 'AD2AADProvisioning', 'Synchronize Active Directory users to Azure Active Directory', 'AccountEnabled'];

	it('keeps the whole trail when it fits', () => {
		expect(fitTrail(['a', 'b'], 80)).toBe('a › b');
	});

	it('drops the longest middle parts first, never the first or the last, and stays inside the width', () => {
		for (const width of [40, 60, 80, 100]) {
			const trail = fitTrail(parts, width);
			expect(cellWidth(trail)).toBeLessThanOrEqual(width);
			expect(trail.startsWith('contoso.com (demo) › ')).toBe(true);
			expect(trail.endsWith(' › AccountEnabled')).toBe(true);
		}
		expect(fitTrail(parts, 100)).toBe('contoso.com (demo) › contoso.com › AD2AADProvisioning › … › AccountEnabled');
		const withRule = ['contoso.com (demo)', 'contoso.com', 'AD2AADProvisioning', 'AD2AADProvisioning', 'Synchronize Active Directory users to Azure Active Directory', 'AccountEnabled'];
		// Ties go to the later part: the app and the job outlast the rule.
		expect(fitTrail(withRule, 100)).toBe('contoso.com (demo) › contoso.com › AD2AADProvisioning › AD2AADProvisioning › … › AccountEnabled');
		expect(fitTrail(withRule, 80)).toBe('contoso.com (demo) › contoso.com › AD2AADProvisioning › … › AccountEnabled');
		expect(fitTrail(withRule, 60)).toBe('contoso.com (demo) › contoso.com › … › AccountEnabled');
	});

	it('gives up the first part, then cuts the last in its middle, when the width is smaller still', () => {
		expect(fitTrail(parts, 30)).toBe('… › AccountEnabled');
		const trail = fitTrail(['contoso.com (demo)', 'msExchExtensionCustomAttribute15'], 24);
		expect(cellWidth(trail)).toBeLessThanOrEqual(24);
		expect(trail).toMatch(/^msExch.*….*ute15$/);
	});
});

describe('the jobs list at 80 columns', () => {
	it('keeps template ids and every job state (Active, Paused, Disabled) whole', () => {
		const columns = jobsScreen.columns!({} as never);
		const widths = layoutColumns(columns, 80);
		const width = (title: string) => widths[columns.findIndex((column) => column.title === title)]!;
		expect(width('Template')).toBeGreaterThanOrEqual('AD2AADPasswordHash'.length);
		expect(width('State')).toBeGreaterThanOrEqual('Disabled'.length);
		expect(widths.reduce((sum, each) => sum + each, 0) + widths.length - 1).toBeLessThanOrEqual(80);
	});
});
