import {afterEach, describe, expect, it, vi} from 'vitest';
import {createEventStream} from '../../source/cti/event-stream.js';

describe('driver event stream', () => {
	it('delivers events queued by a listener after the ones already waiting, to every listener in order', () => {
		const stream = createEventStream<string>();
		const seen: string[] = [];
		stream.subscribe((event) => {
			seen.push(`a:${event}`);
			if (event === 'first') stream.emit('caused by first');
		});
		stream.subscribe((event) => seen.push(`b:${event}`));
		stream.queue('first');
		stream.queue('second');
		stream.flush();
		expect(seen).toEqual([
			'a:first',
			'b:first',
			'a:second',
			'b:second',
			'a:caused by first',
			'b:caused by first',
		]);
	});

	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('keeps delivering when a listener throws, and reports the error in a microtask', () => {
		// The report re-throws in a microtask (an uncaught error, on purpose): catch it here.
		const reports: Array<() => void> = [];
		vi.stubGlobal('queueMicrotask', (task: () => void) => reports.push(task));
		const stream = createEventStream<number>();
		const seen: number[] = [];
		stream.subscribe(() => {
			throw new Error('listener bug');
		});
		stream.subscribe((event) => seen.push(event));
		stream.emit(1);
		stream.emit(2);
		expect(seen).toEqual([1, 2]);
		expect(reports).toHaveLength(2);
		expect(() => reports[0]!()).toThrow('listener bug');
	});

	it('gives two subscriptions of the same function, each removed on its own', () => {
		const stream = createEventStream<number>();
		const seen: number[] = [];
		const listener = (event: number) => seen.push(event);
		const first = stream.subscribe(listener);
		stream.subscribe(listener);
		stream.emit(1);
		first();
		stream.emit(2);
		expect(seen).toEqual([1, 1, 2]);
	});
});
