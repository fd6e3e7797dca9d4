package server

import (
	"strconv"
	"time"

	"github.com/hearth/hearth/ttlcache"
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// statsCache keeps computed community figures for staff, keyed by the
// window and forum.AnalyticsVersion (the rollups' state and the current
// minute), the same scheme as the anonymous page cache: a key read from the
// database on every request, so no process serves figures older than the
// rollups, and today's live part is at most a minute old. The figures are
// the same for every staff member; only staff get them (checked first).
type statsCache struct {
	stats     *ttlcache.Cache[string, *forum.CommunityStats]
	retention *ttlcache.Cache[string, []forum.Cohort]
}

func newStatsCache() *statsCache {
	return &statsCache{
		stats:     ttlcache.New[string, *forum.CommunityStats](32, 2*time.Minute),
		retention: ttlcache.New[string, []forum.Cohort](8, 2*time.Minute),
	}
}

// communityStats is forum.Stats through the cache.
func (s *Server) communityStats(c echo.Context, from, to string) (*forum.CommunityStats, error) {
	ctx, v := c.Request().Context(), viewer(c)
	if !forum.CanReadCommunityStats(v) {
		return s.forum.Stats(ctx, v, from, to) // says why not
	}
	ver, err := s.forum.AnalyticsVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := from + "|" + to + "|" + ver
	if st, ok := s.stats.stats.Get(key); ok {
		return st, nil
	}
	st, err := s.forum.Stats(ctx, v, from, to)
	if err == nil {
		s.stats.stats.Add(key, st)
	}
	return st, err
}

// communityRetention is forum.Retention through the cache.
func (s *Server) communityRetention(c echo.Context, weeks int) ([]forum.Cohort, error) {
	ctx, v := c.Request().Context(), viewer(c)
	if !forum.CanReadCommunityStats(v) {
		return s.forum.Retention(ctx, v, weeks)
	}
	ver, err := s.forum.AnalyticsVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := strconv.Itoa(weeks) + "|" + ver
	if co, ok := s.stats.retention.Get(key); ok {
		return co, nil
	}
	co, err := s.forum.Retention(ctx, v, weeks)
	if err == nil {
		s.stats.retention.Add(key, co)
	}
	return co, err
}
