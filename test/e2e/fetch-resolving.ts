// The hidden pops' fetch, resolving the test's made-up host names the way chromium's
// --host-resolver-rules does: the request goes unchanged to the same port of the mapped address.
// Node has no per-process hosts file, and the CRM does not look at the Host header.
export function fetchResolving(hosts: ReadonlyMap<string, string>): typeof fetch {
	return (input, init) => {
		const url = new URL(input instanceof Request ? input.url : input);
		const address = hosts.get(url.hostname);
		if (address === undefined) return fetch(input, init);
		url.hostname = address;
		return fetch(input instanceof Request ? new Request(url, input) : url, init);
	};
}
