/** Bytes ↔ text: the encodings schema files come in (UTF-8 with or without BOM, UTF-16 with BOM). */
import {type SchemaEncoding, SchemaFileError} from './schema-file.js';

// ---------------------------------------------------------------------------------------------
// Bytes ↔ text

const utf8Decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
const utf16leDecoder = new TextDecoder('utf-16le', {fatal: true, ignoreBOM: true});
const utf16beDecoder = new TextDecoder('utf-16be', {fatal: true, ignoreBOM: true});

export function decodeSchemaBytes(bytes: Uint8Array): {text: string; encoding: SchemaEncoding; bom: boolean} {
	const [b0, b1, b2, b3] = bytes;
	if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) {
		throw new SchemaFileError('the file is UTF-32 encoded; save it as UTF-8 or UTF-16 and try again');
	}
	if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
		return {text: decodeOrThrow(utf8Decoder, bytes.subarray(3), 'UTF-8'), encoding: 'utf8-bom', bom: true};
	}
	if (b0 === 0xff && b1 === 0xfe) {
		return {text: decodeOrThrow(utf16leDecoder, bytes.subarray(2), 'UTF-16LE'), encoding: 'utf16le', bom: true};
	}
	if (b0 === 0xfe && b1 === 0xff) {
		return {text: decodeOrThrow(utf16beDecoder, bytes.subarray(2), 'UTF-16BE'), encoding: 'utf16be', bom: true};
	}
	// Without a BOM, JSON starts with an ASCII character, so UTF-16 shows up as a NUL in the first two bytes.
	if (bytes.length >= 2 && b0 !== 0 && b1 === 0) {
		return {text: decodeOrThrow(utf16leDecoder, bytes, 'UTF-16LE'), encoding: 'utf16le', bom: false};
	}
	if (bytes.length >= 2 && b0 === 0 && b1 !== 0) {
		return {text: decodeOrThrow(utf16beDecoder, bytes, 'UTF-16BE'), encoding: 'utf16be', bom: false};
	}
	const binaryKind = recognizeBinary(bytes);
	if (binaryKind) throw new SchemaFileError(`this is ${binaryKind}, not a JSON text file`);
	const text = decodeOrThrow(utf8Decoder, bytes, 'UTF-8');
	if (text.includes('\0')) throw new SchemaFileError('this looks like a binary file (it contains NUL bytes), not JSON text');
	return {text, encoding: 'utf8', bom: false};
}

function decodeOrThrow(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, encodingName: string): string {
	try {
		return decoder.decode(bytes);
	} catch (error) {
		const hint =
			encodingName === 'UTF-8'
				? 'it may be a binary file, or text saved in a legacy code page (save it as UTF-8)'
				: 'the file may be truncated or corrupted';
		throw new SchemaFileError(`not valid ${encodingName} text: ${hint}`, {cause: error});
	}
}

/** A few formats admins plausibly pick by mistake, so the message can say what the file is. */
function recognizeBinary(bytes: Uint8Array): string | undefined {
	const [b0, b1, b2, b3] = bytes;
	if (b0 === 0x50 && b1 === 0x4b && b2 === 0x03 && b3 === 0x04) return 'a ZIP archive (extract the .json file first)';
	if (b0 === 0x1f && b1 === 0x8b) return 'a gzip archive (decompress it first)';
	if (b0 === 0x25 && b1 === 0x50 && b2 === 0x44 && b3 === 0x46) return 'a PDF document';
	return undefined;
}

export function encodeSchemaText(text: string, encoding: SchemaEncoding, bom = encoding !== 'utf8'): Buffer {
	switch (encoding) {
		case 'utf8':
		case 'utf8-bom': {
			const body = Buffer.from(text, 'utf8');
			return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
		}
		case 'utf16le': {
			const body = Buffer.from(text, 'utf16le');
			return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
		}
		case 'utf16be': {
			const body = Buffer.from(text, 'utf16le').swap16();
			return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), body]) : body;
		}
	}
}

