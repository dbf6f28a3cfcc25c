// Package testkit holds what every end-to-end test package reads and waits with: data
// frames read into series and tables, the float tolerance answers are compared with,
// label keys, durations as Prometheus writes them, the repository root, the plugin
// process's own footprint, and polling with a deadline.
//
//	ss := testkit.NonEmpty(testkit.ReadSeries(t, res["A"].Frames))
//	tb := testkit.ReadTable(t, testkit.OnlyFrame(t, res["A"].Frames))
//	testkit.WaitFor(t, 30*time.Second, "a rate", func() (bool, string) { ... })
//
// It imports nothing else of the tests, so every package (host and fixture included) can use it.
package testkit
