package main

// The legacy client hints a page can set itself (DPR, Device-Memory,
// Downlink, Width, Viewport-Width, RTT, ECT, Save-Data). The Fetch
// Standard does not safelist them; Chromium does, but only for some values
// (cors.cc, IsCorsSafelistedHeader), so one request with such a header
// goes without a preflight and the next is preflighted. Firefox safelists
// none of them. Each scenario sends one request per value, to its own URL
// (a query string), against a preflight that allows no headers: a value
// Chromium safelists passes there, any other is refused at the preflight.

func init() {
	register("go",
		&Scenario{Name: "client-hints-decimal", Description: "GETs with DPR, Device-Memory and Downlink, whose values Chromium safelists when they are digits with at most one '.' followed by digits: DPR 1.5, -1, 1e2 and '2.', Device-Memory 8 and abc, Downlink 1.5; the preflight allows no headers",
			JS: `await f(URL + '?dpr=1.5', {headers: {'DPR': '1.5'}})
				await f(URL + '?dpr=-1', {headers: {'DPR': '-1'}})
				await f(URL + '?dpr=1e2', {headers: {'DPR': '1e2'}})
				await f(URL + '?dpr=2.', {headers: {'DPR': '2.'}})
				await f(URL + '?device-memory=8', {headers: {'Device-Memory': '8'}})
				await f(URL + '?device-memory=abc', {headers: {'Device-Memory': 'abc'}})
				await f(URL + '?downlink=1.5', {headers: {'Downlink': '1.5'}})`,
			Mount: noAllowHeaders()},
		&Scenario{Name: "client-hints-integer", Description: "GETs with Viewport-Width, Width and RTT, whose values Chromium safelists when they are digits only: Viewport-Width 1000 and 10.5, Width 300, RTT 50 and 1.5; the preflight allows no headers",
			JS: `await f(URL + '?viewport-width=1000', {headers: {'Viewport-Width': '1000'}})
				await f(URL + '?viewport-width=10.5', {headers: {'Viewport-Width': '10.5'}})
				await f(URL + '?width=300', {headers: {'Width': '300'}})
				await f(URL + '?rtt=50', {headers: {'RTT': '50'}})
				await f(URL + '?rtt=1.5', {headers: {'RTT': '1.5'}})`,
			Mount: noAllowHeaders()},
		&Scenario{Name: "client-hints-keyword", Description: "GETs with Save-Data and ECT, whose values Chromium safelists when they are one of its words: Save-Data ON (the word 'on' in any case), ECT 4g, 4G, 5g and slow-2g (one of slow-2g, 2g, 3g and 4g, case-sensitive); the preflight allows no headers",
			JS: `await f(URL + '?save-data=ON', {headers: {'Save-Data': 'ON'}})
				await f(URL + '?ect=4g', {headers: {'ECT': '4g'}})
				await f(URL + '?ect=4G', {headers: {'ECT': '4G'}})
				await f(URL + '?ect=5g', {headers: {'ECT': '5g'}})
				await f(URL + '?ect=slow-2g', {headers: {'ECT': 'slow-2g'}})`,
			Mount: noAllowHeaders()},
	)
}
