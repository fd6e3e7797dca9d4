package forum

import (
	"math"
	"sort"
	"time"

	"github.com/hearth/hearth/models"
)

// The community manager's figures. Who may see what is decided here, beside
// the features, while they are one slice: staff see everything; ambassadors,
// who answer members, read the needs-response queue but not the analytics.

func checkCommunityReader(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanReadNeedsResponse(actor) {
		return ErrForbidden
	}
	return nil
}

func checkStatsReader(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanReadCommunityStats(actor) {
		return ErrForbidden
	}
	return nil
}

// percentile is the nearest-rank percentile (the smallest value with at
// least p of the values at or below it): always an observed wait, never an
// interpolated one a member did not experience. Zero for no values.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(rank, 0)]
}
