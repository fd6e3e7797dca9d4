// Package cluster proves that several `hearth serve` processes on one
// PostgreSQL database behave as one forum behind a load balancer (issue 16
// item 1): sessions, cached pages, deliveries, scheduled jobs, login
// limits and a rolling restart under load.
//
// The test builds the real binary, starts three processes on 127.0.0.1
// behind a round-robin httputil.ReverseProxy, and needs PostgreSQL: it
// carries the build tag cluster, and .ci/run runs it in its PostgreSQL
// step:
//
//	HEARTH_TEST_POSTGRES=postgres://… go test -count=1 -tags cluster ./e2e/cluster/
package cluster
