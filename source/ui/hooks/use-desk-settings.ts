// The settings as they are now (house contract with the server side): desk.liveSettings when the
// instance offers it (saving the settings screen applies at once), else the settings at start.
import {useMemo} from 'react';
import type {Desk, DeskSettings, ExternalSource} from '../desk.js';
import {useExternal} from './use-external.js';

export function useDeskSettings(desk: Desk): DeskSettings {
	const source = useMemo<ExternalSource<DeskSettings>>(
		() =>
			desk.liveSettings ?? {
				getSnapshot: () => desk.settings,
				subscribe: () => () => undefined,
			},
		[desk],
	);
	return useExternal(source);
}
