/**
 * Dates as the expression language handles them (Microsoft's function reference): CDate, DateAdd and Now give
 * `M/d/yyyy h:mm:ss tt` in UTC; FormatDateTime reads and writes .NET custom date and time format strings; AD
 * dates (DateFromNum, NumFromDate) count 100-nanosecond ticks since 1601-01-01 UTC. The service runs in UTC, so
 * a parsed offset is converted to UTC and `z`/`zzz` print +00:00 (an inference: the docs do not say).
 */

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * How a parsed date was given, as .NET's DateTimeKind under RoundtripKind (FormatDateTime's default style): 'utc' for
 * a `Z`, 'local' for an offset (converted to the service's time, UTC), 'unspecified' without either. `K` and `o` print
 * it: "Z", "+00:00", or nothing. Dates the language makes (CDate, DateAdd, Now, DateFromNum) are UTC.
 */
export type DateKind = 'utc' | 'local' | 'unspecified';
const kinds = new WeakMap<Date, DateKind>();
const withKind = (date: Date | undefined, kind: DateKind) => {
	if (date) kinds.set(date, kind);
	return date;
};
export const dateKind = (date: Date): DateKind => kinds.get(date) ?? 'utc';
const zoneKind = (zone: string | undefined): DateKind => (zone === undefined || zone === '' ? 'unspecified' : zone.toUpperCase() === 'Z' ? 'utc' : 'local');

/** `M/d/yyyy h:mm:ss tt`, the format of CDate, DateAdd and Now. */
export function formatGeneralDate(date: Date): string {
	const hours = date.getUTCHours();
	return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)} ${hours < 12 ? 'AM' : 'PM'}`;
}

function offsetMinutes(text: string | undefined): number {
	if (!text || text.toUpperCase() === 'Z') return 0;
	const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(text);
	if (!match) return Number.NaN;
	const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
	return match[1] === '-' ? -minutes : minutes;
}

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, fraction = '', offset = 0): Date | undefined {
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 || Number.isNaN(offset)) return undefined;
	const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, Number(`0.${fraction || '0'}`) * 1000) - offset * 60_000);
	// Date.UTC rolls 31 February over into March; .NET refuses it.
	const check = new Date(Date.UTC(year, month - 1, day));
	if (check.getUTCDate() !== day) return undefined;
	return date;
}

/**
 * A date in one of the forms .NET's DateTime.Parse reads in practice: ISO 8601 (`2020-03-16`, `2020-03-16-07:00`,
 * `2009-06-15T01:45:30-07:00`, `…Z`) and the language's own `M/d/yyyy h:mm:ss tt`.
 */
export function parseDate(text: string): Date | undefined {
	const value = text.trim();
	const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?$/i.exec(value);
	if (iso) {
		const [, y, mo, d, h, mi, s, f, zone] = iso;
		return withKind(utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), f, offsetMinutes(zone)), zoneKind(zone));
	}
	const general = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?\s*(Z|[+-]\d{1,2}:?\d{2})?$/i.exec(value);
	if (general) {
		const [, mo, d, y, h, mi, s, meridiem, zone] = general;
		let hour = Number(h ?? 0);
		if (meridiem) {
			if (hour < 1 || hour > 12) return undefined;
			hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
		}
		return withKind(utc(Number(y), Number(mo), Number(d), hour, Number(mi ?? 0), Number(s ?? 0), '', offsetMinutes(zone)), zoneKind(zone));
	}
	return undefined;
}

type FormatToken = {kind: 'literal'; text: string} | {kind: 'field'; letter: string; count: number};

const fieldLetters = new Set(['d', 'f', 'F', 'g', 'h', 'H', 'K', 'm', 'M', 's', 't', 'y', 'z']);

/** Splits a .NET custom date and time format string; quoted text, `\x` and unknown characters are literals. */
export function tokenizeDateFormat(format: string): FormatToken[] {
	const tokens: FormatToken[] = [];
	const literal = (text: string) => {
		const last = tokens[tokens.length - 1];
		if (last?.kind === 'literal') last.text += text;
		else tokens.push({kind: 'literal', text});
	};
	for (let index = 0; index < format.length; ) {
		const char = format[index]!;
		if (char === "'" || char === '"') {
			const end = format.indexOf(char, index + 1);
			if (end === -1) throw new Error(`the format "${format}" has an unclosed ${char} quote`);
			literal(format.slice(index + 1, end));
			index = end + 1;
		} else if (char === '\\') {
			literal(format[index + 1] ?? '');
			index += 2;
		} else if (char === '%') {
			index++;
		} else if (fieldLetters.has(char)) {
			let count = 1;
			while (format[index + count] === char) count++;
			tokens.push({kind: 'field', letter: char, count});
			index += count;
		} else {
			literal(char);
			index++;
		}
	}
	return tokens;
}

/** Formats a UTC date with a .NET custom format string (invariant culture). */
export function formatDate(date: Date, format: string): string {
	if (format.length === 1 && format !== '%') return formatStandard(date, format);
	return tokenizeDateFormat(format)
		.map((token) => {
			if (token.kind === 'literal') return token.text;
			const {letter, count} = token;
			const hours = date.getUTCHours();
			switch (letter) {
				case 'd':
					if (count >= 4) return dayNames[date.getUTCDay()]!;
					if (count === 3) return dayNames[date.getUTCDay()]!.slice(0, 3);
					return pad(date.getUTCDate(), count);
				case 'M':
					if (count >= 4) return monthNames[date.getUTCMonth()]!;
					if (count === 3) return monthNames[date.getUTCMonth()]!.slice(0, 3);
					return pad(date.getUTCMonth() + 1, count);
				case 'y': {
					const year = date.getUTCFullYear();
					return count <= 2 ? pad(year % 100, count) : pad(year, count);
				}
				case 'h':
					return pad(hours % 12 === 0 ? 12 : hours % 12, Math.min(count, 2));
				case 'H':
					return pad(hours, Math.min(count, 2));
				case 'm':
					return pad(date.getUTCMinutes(), Math.min(count, 2));
				case 's':
					return pad(date.getUTCSeconds(), Math.min(count, 2));
				case 'f':
				case 'F': {
					const digits = pad(date.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, Math.min(count, 7));
					return letter === 'F' ? digits.replace(/0+$/, '') : digits;
				}
				case 't':
					return (hours < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
				case 'z':
					// The service's offset: it runs in UTC (an inference; .NET prints the local zone for z).
					return count === 1 ? '+0' : count === 2 ? '+00' : '+00:00';
				case 'K': {
					const kind = dateKind(date);
					return kind === 'utc' ? 'Z' : kind === 'local' ? '+00:00' : '';
				}
				default:
					return 'A.D.';
			}
		})
		.join('');
}

/** .NET's standard date and time formats (one letter) in the invariant culture, as custom formats. */
const standardFormats: Record<string, string> = {
	d: 'MM/dd/yyyy',
	D: 'dddd, dd MMMM yyyy',
	f: 'dddd, dd MMMM yyyy HH:mm',
	F: 'dddd, dd MMMM yyyy HH:mm:ss',
	g: 'MM/dd/yyyy HH:mm',
	G: 'MM/dd/yyyy HH:mm:ss',
	m: 'MMMM dd',
	M: 'MMMM dd',
	o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
	t: 'HH:mm',
	T: 'HH:mm:ss',
	u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
	U: 'dddd, dd MMMM yyyy HH:mm:ss',
	y: 'yyyy MMMM',
	Y: 'yyyy MMMM',
};

function formatStandard(date: Date, letter: string): string {
	const format = standardFormats[letter];
	if (!format) throw new Error(`"${letter}" is not a .NET standard date format`);
	return formatDate(date, format);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Parses text with a .NET custom format string, as DateTime.ParseExact with leading/trailing white allowed. */
export function parseDateExact(text: string, format: string): Date | undefined {
	if (format.length === 1) {
		const expanded = standardFormats[format];
		return expanded ? parseDateExact(text, expanded) : undefined;
	}
	const fields: FormatToken[] = [];
	let pattern = '';
	for (const token of tokenizeDateFormat(format)) {
		if (token.kind === 'literal') {
			pattern += escapeRegExp(token.text);
			continue;
		}
		const {letter, count} = token;
		fields.push(token);
		switch (letter) {
			case 'd':
			case 'M':
				pattern += count >= 3 ? '([A-Za-z]+)' : count === 2 ? '(\\d{2})' : '(\\d{1,2})';
				break;
			case 'y':
				pattern += count === 1 ? '(\\d{1,2})' : count === 2 ? '(\\d{2})' : `(\\d{${count},})`;
				break;
			case 'h':
			case 'H':
			case 'm':
			case 's':
				pattern += count >= 2 ? '(\\d{2})' : '(\\d{1,2})';
				break;
			case 'f':
				pattern += `(\\d{${Math.min(count, 7)}})`;
				break;
			case 'F':
				pattern += `(\\d{0,${Math.min(count, 7)}})`;
				break;
			case 't':
				pattern += count === 1 ? '([AaPp])' : '([AaPp][Mm])';
				break;
			case 'z':
				pattern += '([+-]\\d{1,2}(?::?\\d{2})?)';
				break;
			case 'K':
				pattern += '(Z|[+-]\\d{2}:\\d{2})?';
				break;
			default:
				pattern += '(\\S+)';
		}
	}
	const match = new RegExp(`^${pattern}$`, 'i').exec(text.trim());
	if (!match) return undefined;
	let [year, month, day, hour, minute, second, fraction, offset] = [1, 1, 1, 0, 0, 0, '', 0];
	let meridiem: string | undefined;
	let kind: DateKind = 'unspecified';
	fields.forEach((field, position) => {
		if (field.kind !== 'field') return;
		const value = match[position + 1] ?? '';
		switch (field.letter) {
			case 'd':
				if (field.count <= 2) day = Number(value);
				break;
			case 'M':
				month = field.count >= 3 ? monthNames.findIndex((name) => name.toLowerCase().startsWith(value.toLowerCase()) && value.length >= 3) + 1 : Number(value);
				break;
			case 'y':
				year = field.count <= 2 ? (Number(value) <= 49 ? 2000 : 1900) + Number(value) : Number(value);
				break;
			case 'h':
			case 'H':
				hour = Number(value);
				break;
			case 'm':
				minute = Number(value);
				break;
			case 's':
				second = Number(value);
				break;
			case 'f':
			case 'F':
				fraction = value;
				break;
			case 't':
				meridiem = value.toUpperCase();
				break;
			case 'z':
			case 'K':
				offset = offsetMinutes(value || undefined);
				if (value) kind = zoneKind(value);
				break;
		}
	});
	// .NET: an `h` hour is a 12-hour clock (over 12 fails), read as AM when no `t` gives the half of the day.
	const twelveHour = fields.some((field) => field.kind === 'field' && field.letter === 'h');
	if (twelveHour && hour > 12) return undefined;
	if (meridiem || twelveHour) {
		if (meridiem && (hour < 1 || hour > 12)) return undefined;
		hour = (hour % 12) + (meridiem?.startsWith('P') ? 12 : 0);
	}
	return withKind(utc(year, month, day, hour, minute, second, fraction, offset), kind);
}

const ticksPerMillisecond = 10_000n;
/** Milliseconds from 1601-01-01 to 1970-01-01. */
const epochDifference = 11_644_473_600_000n;

/** An AD date (100 ns ticks since 1601, e.g. pwdLastSet) as a UTC date. */
export function dateFromFileTime(ticks: bigint): Date {
	return new Date(Number(ticks / ticksPerMillisecond - epochDifference));
}

export function fileTimeFromDate(date: Date): bigint {
	return (BigInt(date.getTime()) + epochDifference) * ticksPerMillisecond;
}

export type DateInterval = 'yyyy' | 'm' | 'd' | 'ww' | 'h' | 'n' | 's';
export const dateIntervals: readonly DateInterval[] = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'];

/** DateAdd: months and years keep the day, clamped to the month's last day, as .NET's AddMonths does. */
export function addInterval(date: Date, interval: DateInterval, amount: number): Date {
	const result = new Date(date.getTime());
	switch (interval) {
		case 'yyyy':
		case 'm': {
			const months = interval === 'yyyy' ? amount * 12 : amount;
			const day = date.getUTCDate();
			result.setUTCDate(1);
			result.setUTCMonth(result.getUTCMonth() + months);
			const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
			result.setUTCDate(Math.min(day, lastDay));
			return result;
		}
		case 'd':
			return new Date(date.getTime() + amount * 86_400_000);
		case 'ww':
			return new Date(date.getTime() + amount * 7 * 86_400_000);
		case 'h':
			return new Date(date.getTime() + amount * 3_600_000);
		case 'n':
			return new Date(date.getTime() + amount * 60_000);
		default:
			return new Date(date.getTime() + amount * 1000);
	}
}

/**
 * DateDiff counts the interval boundaries crossed from date1 to date2, like VBA's DateDiff: the reference's
 * examples (8/25/2021 → 2012-03-16: -3449 days, -493 weeks, -113 months, -9 years) match this and not a rounded
 * duration.
 */
export function intervalDifference(interval: DateInterval, date1: Date, date2: Date): number {
	const floorBy = (ms: number, unit: number, shift = 0) => Math.floor((ms + shift) / unit);
	switch (interval) {
		case 'yyyy':
			return date2.getUTCFullYear() - date1.getUTCFullYear();
		case 'm':
			return date2.getUTCFullYear() * 12 + date2.getUTCMonth() - (date1.getUTCFullYear() * 12 + date1.getUTCMonth());
		case 'd':
			return floorBy(date2.getTime(), 86_400_000) - floorBy(date1.getTime(), 86_400_000);
		case 'ww': {
			// Weeks start on Sunday; 1970-01-01 was a Thursday, 4 days after one.
			const week = 7 * 86_400_000;
			const shift = 4 * 86_400_000;
			return floorBy(date2.getTime(), week, shift) - floorBy(date1.getTime(), week, shift);
		}
		case 'h':
			return floorBy(date2.getTime(), 3_600_000) - floorBy(date1.getTime(), 3_600_000);
		case 'n':
			return floorBy(date2.getTime(), 60_000) - floorBy(date1.getTime(), 60_000);
		default:
			return floorBy(date2.getTime(), 1000) - floorBy(date1.getTime(), 1000);
	}
}
