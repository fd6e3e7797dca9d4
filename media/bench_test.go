package media

import (
	"testing"
)

// BenchmarkProcess12MP is the upload benchmark: a 12-megapixel
// JPEG (4000×3000) checked, re-encoded without metadata and resized to
// the three variants (400, 800, 1600 px wide). Target: under 1.5 s.
func BenchmarkProcess12MP(b *testing.B) {
	data := testJPEG(b, 4000, 3000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Process(data, Limits{})
		if err != nil || len(p.Variants) != 3 {
			b.Fatalf("%v %d", err, len(p.Variants))
		}
	}
}

// BenchmarkProcess12MPParallel4 is four such uploads at once, for the
// issue's memory bound (resident memory under 200 MB with 4 concurrent
// uploads); run it under /usr/bin/time -v to read the peak.
func BenchmarkProcess12MPParallel4(b *testing.B) {
	data := testJPEG(b, 4000, 3000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		errs := make(chan error, 4)
		for j := 0; j < 4; j++ {
			go func() {
				_, err := Process(data, Limits{})
				errs <- err
			}()
		}
		for j := 0; j < 4; j++ {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
}
