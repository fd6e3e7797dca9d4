package main

import (
	"context"
	"runtime/debug"
	"time"
)

// startupSettle is how long after serving starts the heap that start-up
// freed is handed back to the kernel: by then the catalogs, the default
// language's templates, gorm's model schemas and the workers' first rounds
// (the first rollup pass among them) are done.
const startupSettle = time.Second

// releaseStartupHeap returns to the kernel, once, the heap pages start-up
// used and freed. Start-up allocates about twice what it keeps (11 MB for
// 4-5 MB live on the .ci/load.sh forum), and the runtime keeps freed pages
// resident until its background scavenger gets to them, so an idle
// process held 3-4 MB it no longer used (idle RSS 46-47 MB without this
// release, 43-44 MB with it, three starts each, side by side, the binary
// evicted from the page cache before each). It costs one collection, once;
// under load the heap grows back to what the load needs, as it would have
// anyway (peak under wrk -t2 -c16 -d5s on member pages 68-74 MB with and
// without it).
func releaseStartupHeap(ctx context.Context, after time.Duration) {
	t := time.NewTimer(after)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
		debug.FreeOSMemory()
	}
}
