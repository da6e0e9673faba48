// Reads a store through useSyncExternalStore (house rule 4). getSnapshot must return the same
// object until something changes (INK-PITFALLS 12); selectors return primitives or existing slices.
import {useSyncExternalStore} from 'react';
import type {ExternalSource} from '../desk.js';

export function useExternal<T, S = T>(source: ExternalSource<T>, select?: (value: T) => S): S {
	const value = useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
	return select ? select(value) : (value as unknown as S);
}
