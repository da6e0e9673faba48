// Password hashes and login tokens for the agent directory (`agents`) and the admin password.
// The config file only ever holds scrypt hashes: it is a plain file in the user's home that
// backups and screenshots copy around, so a plain password there would leak.
import {createHash, createHmac, randomBytes, scryptSync, timingSafeEqual} from 'node:crypto';

/** Cost used for new hashes: N=2^14, r=8 takes 16 MiB and roughly 30–60 ms, well under 100 ms. */
const defaultCost = {N: 16_384, r: 8, p: 1} as const;
const saltBytes = 16;
const keyBytes = 32;

// A hash is read from a file someone else may have edited: bound its cost so a crafted
// `N=2^30` cannot stall login for minutes or exhaust memory.
const maxN = 2 ** 20;
const maxR = 32;
const maxP = 16;

const hashPattern =
	/^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface ParsedHash {
	N: number;
	r: number;
	p: number;
	salt: Buffer;
	key: Buffer;
}

function parseHash(hash: string): ParsedHash | null {
	const match = hashPattern.exec(hash);
	if (!match) return null;
	const N = Number(match[1]);
	const r = Number(match[2]);
	const p = Number(match[3]);
	// N must be a power of two above 1 (scrypt's own rule).
	if (!Number.isSafeInteger(N) || N < 2 || N > maxN || (N & (N - 1)) !== 0) return null;
	if (!Number.isSafeInteger(r) || r < 1 || r > maxR) return null;
	if (!Number.isSafeInteger(p) || p < 1 || p > maxP) return null;
	const salt = Buffer.from(match[4]!, 'base64');
	const key = Buffer.from(match[5]!, 'base64');
	if (salt.length < 8 || key.length < 16) return null;
	return {N, r, p, salt, key};
}

/** True when `value` has the shape of a hash made by hashPassword (says nothing of the password). */
export function isPasswordHash(value: string): boolean {
	return parseHash(value) !== null;
}

/** Hashes a password: `scrypt$N=16384,r=8,p=1$<salt base64>$<key base64>` (self-describing, so the cost can change later). */
export function hashPassword(plain: string): string {
	const salt = randomBytes(saltBytes);
	const {N, r, p} = defaultCost;
	const key = scryptSync(plain.normalize('NFC'), salt, keyBytes, {
		N,
		r,
		p,
		maxmem: scryptMemory(N, r),
	});
	return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against a hash in constant time. A malformed hash is simply no match: never throws. */
export function verifyPassword(plain: string, hash: string): boolean {
	const parsed = parseHash(hash);
	if (!parsed) return false;
	try {
		const {N, r, p, salt, key} = parsed;
		const candidate = scryptSync(plain.normalize('NFC'), salt, key.length, {
			N,
			r,
			p,
			maxmem: scryptMemory(N, r),
		});
		return timingSafeEqual(candidate, key);
	} catch {
		return false;
	}
}

function scryptMemory(N: number, r: number): number {
	// Node refuses anything above maxmem (32 MiB by default); give scrypt what it needs plus slack.
	return 128 * N * r * 2 + 1024 * 1024;
}

const tokenPrefix = 'ctidesk-login-token:';

/**
 * The login token of an agent: what a CRM may pass as `pass=` to login.cgi instead of the
 * password, and what the legacy home-URL form carries as `password=` (SPEC section 4: that
 * parameter is never the plain password).
 *
 * Form: uppercase hex of HMAC-SHA256(key = the stored hash string, message =
 * 'ctidesk-login-token:' + user), first 32 characters (128 bits). It changes whenever the
 * password changes (the hash has a fresh salt), and it does not reveal the password.
 */
export function loginToken(user: string, passwordHash: string): string {
	return createHmac('sha256', passwordHash)
		.update(tokenPrefix + user)
		.digest('hex')
		.toUpperCase()
		.slice(0, 32);
}

/** The part of an `agents` entry that proves who the agent is. */
export interface LoginEntry {
	user: string;
	password: string;
}

/**
 * Accepts either the agent's password or its login token (hex case ignored, since URL
 * handling on the CRM side sometimes lowercases it). Constant-time for the token compare.
 */
export function verifyLoginSecret(secret: string, entry: LoginEntry): boolean {
	if (!isPasswordHash(entry.password)) return false;
	if (equalConstantTime(secret.toUpperCase(), loginToken(entry.user, entry.password))) return true;
	return verifyPassword(secret, entry.password);
}

function equalConstantTime(a: string, b: string): boolean {
	// Compare digests so the lengths are equal and the time does not depend on where they differ.
	const digestA = createHash('sha256').update(a).digest();
	const digestB = createHash('sha256').update(b).digest();
	return timingSafeEqual(digestA, digestB);
}

/** An agent entry of the login directory: the shape `agents` holds. */
export interface DirectoryEntry extends LoginEntry {
	agentId: string;
	empId: string;
	groups: string[];
}

/** The directory entry for `user`, or undefined. Users are compared exactly (ids are case-sensitive). */
export function findAgent<Entry extends DirectoryEntry>(
	config: {agents: readonly Entry[]},
	user: string,
): Entry | undefined {
	return config.agents.find((entry) => entry.user === user);
}
